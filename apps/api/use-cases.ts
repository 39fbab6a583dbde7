import { fileURLToPath } from "node:url";
import { VideoConfigFile } from "../../adapters/config/video-config-file.ts";
import { randomIds } from "../../adapters/crypto/random-ids.ts";
import type { Clock, Rooms, Store } from "../../core/ports.ts";
import {
  type BackgroundJobs,
  CreateSession,
  DeliverRoomDeletions,
  ExpireIdleSessions,
  GetSession,
  OneAtATime,
  ReconcileRooms,
  ReportCall,
  SingleFlight,
  UpdateSession,
  type VideoSessionUseCases,
} from "../../core/use-cases/index.ts";
import type { ServiceConfig } from "./config.ts";

/** Open around the clock, one destination: what the dev stack needs. */
const defaultVideoConfigFile = fileURLToPath(
  new URL("./default-video-config.json", import.meta.url),
);

/** Every use case, each given the ports it uses; what they coordinate in this process, named. */
export function wireUseCases(config: ServiceConfig, clock: Clock, store: Store, rooms: Rooms) {
  const videoConfig = new VideoConfigFile(config.VIDEO_CONFIG_FILE ?? defaultVideoConfigFile, {
    destinationHost: config.DESTINATION_HOST,
    maxInactiveSeconds: config.DESTINATION_MAX_INACTIVE_SECONDS,
    maxQueueWaitSeconds: config.DESTINATION_MAX_QUEUE_WAIT_SECONDS,
    maxActiveSessions: config.DESTINATION_MAX_ACTIVE_SESSIONS,
  });
  const { sessions, staleSessions, queue, outbox } = store;
  const serviceHours = () => videoConfig.serviceHours();
  // A session's changes made here take turns.
  const sessionTurns = new OneAtATime();

  const useCases: VideoSessionUseCases = {
    createSession: new CreateSession(
      {
        sessions,
        staleSessions,
        queue,
        rooms,
        destinations: videoConfig,
        serviceHours,
        clock,
        ids: randomIds,
      },
      { livePerClient: config.CLIENT_MAX_LIVE_SESSIONS },
      new SingleFlight(),
    ),
    getSession: new GetSession({ sessions, queue }),
    updateSession: new UpdateSession({ sessions, queue, clock }, sessionTurns),
    reportCall: new ReportCall({ sessions, clock, ids: randomIds }, sessionTurns),
    destinations: () => videoConfig.all(),
    serviceHours,
  };
  const jobs: BackgroundJobs = {
    deliverRoomDeletions: new DeliverRoomDeletions({ outbox, rooms, clock }),
    expireIdleSessions: new ExpireIdleSessions(
      { sessions, staleSessions, destinations: videoConfig, clock },
      sessionTurns,
    ),
    reconcileRooms: new ReconcileRooms({ sessions, staleSessions, rooms, clock }),
  };
  return { useCases, jobs };
}
