using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Threading;

namespace Atasker;

/// <summary>
/// Creates supervisor threads on behalf of the clock's thread, which must never be held up by it: one thread for the
/// process, started on first use, parked while there is nothing to create.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "Lives as long as the process; the semaphore never creates a wait handle.")]
internal static class ThreadStarter
{
    private static readonly ConcurrentQueue<ThreadRunner> s_requests = new();
    private static readonly SemaphoreSlim s_wake = new(0);
    private static int s_started;

    /// <summary>Asks for one more thread for <paramref name="runner"/> (already counted as on its way).</summary>
    public static void Start(ThreadRunner runner)
    {
        s_requests.Enqueue(runner);
        if (Interlocked.CompareExchange(ref s_started, 1, 0) == 0)
        {
            new Thread(Run) { IsBackground = true, Name = "Atasker thread starter" }.UnsafeStart();
        }

        s_wake.Release();
    }

    private static void Run()
    {
        while (true)
        {
            s_wake.Wait();
            while (s_requests.TryDequeue(out var runner))
            {
                runner.StartThread();
            }
        }
    }
}
