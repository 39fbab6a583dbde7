import { byId } from "./dom.ts";
import { LiveFeed } from "./live-feed.ts";
import { OpsClient, OpsProblem } from "./ops-client.ts";
import { SessionPage } from "./session-page.ts";
import { SessionSearch } from "./session-search.ts";
import { StaffSignIn } from "./staff-sign-in.ts";

/** The console's entry point: sign-in, the live and found sessions, a session's page (#session/…). */
const problemBox = byId("problem");
const signIn = new StaffSignIn(() => signedInChanged());
const client = new OpsClient(() => signIn.token);
const sessionPage = new SessionPage(client, showProblem);
const live = new LiveFeed(client, [(feed) => sessionPage.liveChanged(feed.sessions)], showProblem);
new SessionSearch(client, showProblem);

function showProblem(error: unknown): void {
  if (error instanceof OpsProblem && (error.status === 401 || error.status === 403)) {
    signIn.signOut();
    error.message +=
      error.status === 403
        ? " The token lacks the support role (VideoApi.Support)."
        : " Sign in again.";
  }
  problemBox.textContent = error instanceof Error ? error.message : String(error);
  problemBox.hidden = false;
}

function signedInChanged(): void {
  const who = signIn.identity;
  const until = who?.expiresAt ? `, until ${who.expiresAt.toISOString().slice(11, 19)} UTC` : "";
  byId("who").textContent = who
    ? `Signed in as ${who.name} (${who.roles.join(", ") || "no role"}${until})`
    : "Not signed in.";
  byId("sign-out").hidden = who === undefined;
  byId("dev-sign-in").hidden = who !== undefined;
  byId("paste-token").hidden = who !== undefined;
  if (who) {
    live.start();
    route();
  } else {
    live.stop();
    byId("sessions-view").hidden = true;
    byId("session-view").hidden = true;
  }
}

function route(): void {
  if (!signIn.token) return;
  problemBox.hidden = true;
  const id = /^#session\/(.+)$/.exec(location.hash)?.[1];
  byId("sessions-view").hidden = id !== undefined;
  byId("session-view").hidden = id === undefined;
  if (id === undefined) sessionPage.close();
  else void sessionPage.show(decodeURIComponent(id));
}

byId("dev-sign-in").addEventListener("click", () => {
  signIn.signInOnDevStack().catch(showProblem);
});
byId<HTMLFormElement>("paste-token").addEventListener("submit", (event) => {
  event.preventDefault();
  const field = byId<HTMLInputElement>("token");
  try {
    signIn.use(field.value);
    field.value = "";
  } catch (error) {
    showProblem(error);
  }
});
byId("sign-out").addEventListener("click", () => {
  signIn.signOut();
  location.replace("/ops"); // a fresh page: nothing of what was shown stays in it
});
window.addEventListener("hashchange", route);
signedInChanged();
