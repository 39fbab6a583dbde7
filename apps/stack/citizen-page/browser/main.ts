import { CitizenCall, type CitizenState, type CitizenView, type Phase } from "./citizen-call.ts";

/** The citizen page's entry point: binds the buttons and shows the call's progress. */
const element = <Element extends HTMLElement>(id: string) => document.getElementById(id) as Element;
const state: CitizenState = {
  phase: "idle",
  detail: "",
  callStatuses: [],
  agentFramesDecoded: 0,
  connectionState: "new",
};
(window as unknown as { citizen: CitizenState }).citizen = state;

const start = element<HTMLButtonElement>("start");
const end = element<HTMLButtonElement>("end");
const view: CitizenView = {
  state,
  local: element("local"),
  agent: element("agent"),
  show(phase: Phase, detail = "") {
    state.phase = phase;
    state.detail = detail;
    document.body.dataset.phase = phase;
    element("phase").textContent = phase;
    element("detail").textContent = detail;
    end.disabled = !["waiting-for-agent", "connected"].includes(phase);
  },
  log(line: string) {
    const item = document.createElement("li");
    item.textContent = `${new Date().toLocaleTimeString()}  ${line}`;
    element("log").append(item);
  },
};

let call: CitizenCall | undefined;
start.addEventListener("click", () => {
  start.disabled = true;
  call = new CitizenCall(view);
  call.start().catch((error: unknown) => {
    view.log(String(error));
    view.show("failed", String(error));
  });
});
end.addEventListener("click", () => {
  call?.end().catch((error: unknown) => view.show("failed", String(error)));
});
