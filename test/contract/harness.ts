import { describe, it } from "vitest";

export type TargetKind = "fake" | "simulator" | "real";

/** One implementation of a port, set up for one case. */
export interface Instance<Subject, Controls> {
  subject: Subject;
  /** Control over what stands behind the subject (faults, time); a real upstream offers none. */
  controls?: Controls;
  close(): Promise<void>;
}

export interface Target<Subject, Controls> {
  name: string;
  kind: TargetKind;
  /** Why the target cannot run here (settings missing, runtime lacking): every case says so. */
  unavailable?: string;
  create(): Promise<Instance<Subject, Controls>>;
}

/** A behaviour every implementation of a port must show. */
export type ContractCase<Subject, Controls> =
  | { name: string; needs?: undefined; run(subject: Subject, controls?: Controls): Promise<void> }
  | {
      name: string;
      /** The control the case needs, named in the report where a target lacks it. */
      needs: string;
      run(subject: Subject, controls: Controls): Promise<void>;
    };

/** A port's suite, written once: registers its cases for one target under the target's name. */
export function contractSuite<Subject, Controls>(cases: ContractCase<Subject, Controls>[]) {
  return (target: Target<Subject, Controls>): void => {
    describe(target.name, () => {
      for (const contractCase of cases) {
        it(contractCase.name, async (context) => {
          if (target.unavailable) context.skip(target.unavailable);
          const { subject, controls, close } = await target.create();
          try {
            if (contractCase.needs === undefined) await contractCase.run(subject, controls);
            else if (controls) await contractCase.run(subject, controls);
            else context.skip(`needs ${contractCase.needs}, which ${target.name} does not offer`);
          } finally {
            await close();
          }
        });
      }
    });
  };
}

/** The error a promise rejects with; fails the case when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection, got a value");
    },
    (error: unknown) => error,
  );
}
