using System.Diagnostics;

namespace Atasker.Isolation.Tests;

/// <summary>
/// Floods the .NET ThreadPool as blocking code does in a real service (sync-over-async, a blocking client library):
/// every ThreadPool thread, and every thread the pool injects while it lasts, blocks until the flood is disposed.
/// Work queued meanwhile (a timer callback, a continuation) waits behind a thousand blocking items.
/// </summary>
internal sealed class Starvation : IDisposable
{
    private const int Backlog = 1000;

    private readonly ManualResetEventSlim _release = new(false);
    private int _blocked;

    private Starvation()
    {
        for (int i = 0; i < Backlog; i++)
        {
            Queue();
        }
    }

    /// <summary>Threads blocked so far (grows as the pool injects threads).</summary>
    public int Blocked => Volatile.Read(ref _blocked);

    /// <summary>Starves the pool, and checks that it is: an item queued now does not run for 300 ms.</summary>
    public static Starvation Begin()
    {
        var starvation = new Starvation();
        var ran = new ManualResetEventSlim(false); // not disposed: the item runs once the flood is over

        ThreadPool.UnsafeQueueUserWorkItem(static ran => ran.Set(), ran, preferLocal: false);
        Assert.False(ran.Wait(TimeSpan.FromMilliseconds(300)), "the .NET ThreadPool is not starved: an item queued behind the flood ran");
        return starvation;
    }

    public void Dispose() => _release.Set();

    private void Queue() => ThreadPool.UnsafeQueueUserWorkItem(static starvation => starvation.Block(), this, preferLocal: false);

    private void Block()
    {
        if (_release.IsSet)
        {
            return;
        }

        // The next thread the pool finds (or injects) meets another blocking item first.
        Queue();
        Interlocked.Increment(ref _blocked);
        _release.Wait();
    }
}

/// <summary>Waits on signals with a deadline; what a test measures is timed with <see cref="Stopwatch"/>.</summary>
internal static class Patience
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    public static void Wait(ManualResetEventSlim signal, string what) =>
        Assert.True(signal.Wait(Long), $"Timed out after {Long} waiting until {what}.");

    public static void Wait(CountdownEvent signal, string what) =>
        Assert.True(signal.Wait(Long), $"Timed out after {Long} waiting until {what} ({signal.CurrentCount} of {signal.InitialCount} left).");

    public static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }
}
