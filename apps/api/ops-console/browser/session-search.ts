import { sessionStates } from "../../../../core/model.ts";
import { byId, el } from "./dom.ts";
import { type OpsClient, OpsProblem } from "./ops-client.ts";
import { sessionRow } from "./session-rows.ts";

/** The search form over /ops/v2/sessions, a page at a time (`next`), newest first. */
export class SessionSearch {
  readonly #form = byId<HTMLFormElement>("search");
  readonly #more = byId<HTMLButtonElement>("more");
  #query = new URLSearchParams();
  #next: string | null = null;

  constructor(
    private readonly client: OpsClient,
    private readonly failed: (error: unknown) => void,
  ) {
    this.#form
      .querySelector("select[name=status]")
      ?.append(...sessionStates.map((state) => el("option", { value: state }, state)));
    this.#form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#query = queryOf(new FormData(this.#form));
      void this.#page(false);
    });
    this.#more.addEventListener("click", () => void this.#page(true));
  }

  async #page(more: boolean): Promise<void> {
    for (const field of this.#form.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
    }
    const query = new URLSearchParams(this.#query);
    if (more && this.#next) query.set("after", this.#next);
    try {
      const found = await this.client.sessions(query);
      const rows = byId("found").querySelector("tbody");
      if (more) rows?.append(...found.sessions.map(sessionRow));
      else rows?.replaceChildren(...found.sessions.map(sessionRow));
      this.#next = found.next;
      this.#more.hidden = found.next === null;
    } catch (error) {
      if (error instanceof OpsProblem) {
        for (const { path } of error.invalidParameters) {
          this.#form
            .querySelector(`[name="${CSS.escape(path)}"]`)
            ?.setAttribute("aria-invalid", "true");
        }
      }
      this.failed(error);
    }
  }
}

/** The form's filled fields as the API's parameters; local times become instants (ISO). */
function queryOf(form: FormData): URLSearchParams {
  const query = new URLSearchParams();
  for (const [name, value] of form) {
    if (typeof value !== "string" || value.trim() === "") continue;
    const isTime = name === "from" || name === "to";
    query.set(name, isTime ? new Date(value).toISOString() : value.trim());
  }
  return query;
}
