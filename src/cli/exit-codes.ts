/** Exit codes, as the README's command line section states them: 0 ok, 1 runtime failure, 2 bad usage or bad config. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;
