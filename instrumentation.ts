/** Next.js calls this once when the server starts (lib/server/retention.ts says what happens). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { startServerTasks } = await import('./lib/server/retention');
  await startServerTasks();
}
