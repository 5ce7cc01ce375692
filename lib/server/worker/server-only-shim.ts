// The query worker is server code: `server-only` has nothing to guard in it (scripts/build-worker.mjs).
export {};
