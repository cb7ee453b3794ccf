using System.Collections.Concurrent;
using System.Diagnostics;

namespace Atasker.Benchmarks.Peers;

/// <summary>
/// The one body every peer runs, reached through static state (Hangfire and Quartz build their jobs from a method or
/// a type, not from a closure). One comparison at a time sets the state up.
/// </summary>
public static class PeerJobs
{
    private static readonly ManualResetEventSlim s_holder = new();
    private static readonly ManualResetEventSlim s_holding = new();
    private static Countdown s_countdown = new();
    private static long s_lastStart;

    public static ConcurrentQueue<string> Order { get; } = new();

    public static Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>When the latest <see cref="PeerJobKind.Block"/> body started, on <see cref="Clock"/>.</summary>
    public static TimeSpan LastBlockStart => TimeSpan.FromTicks(Volatile.Read(ref s_lastStart) * TimeSpan.TicksPerSecond / Stopwatch.Frequency);

    public static void Reset(int count)
    {
        s_countdown = new Countdown();
        s_countdown.Reset(count);
        Order.Clear();
        s_holder.Reset();
        s_holding.Reset();
        Volatile.Write(ref s_lastStart, 0);
    }

    public static void Release() => s_holder.Set();

    /// <summary>Waits until a <see cref="PeerJobKind.Hold"/> body runs (the pool is busy).</summary>
    public static void WaitHolding()
    {
        if (!s_holding.Wait(TimeSpan.FromMinutes(1)))
        {
            throw new TimeoutException("The holding job never started.");
        }
    }

    public static void Wait() => s_countdown.Wait();

    /// <summary>Hangfire and Quartz call this with the kind as an int (it survives their serializers).</summary>
    public static void Run(int kind)
    {
        switch ((PeerJobKind)kind)
        {
            case PeerJobKind.Low:
                Order.Enqueue("low");
                break;
            case PeerJobKind.High:
                Order.Enqueue("high");
                break;
            case PeerJobKind.Hold:
                s_holding.Set();
                s_holder.Wait();
                break;
            case PeerJobKind.Block:
                long started = Clock.ElapsedTicks;
                long seen;
                while ((seen = Volatile.Read(ref s_lastStart)) < started && Interlocked.CompareExchange(ref s_lastStart, started, seen) != seen)
                {
                }

                Thread.Sleep(200); // the workload: a body that blocks
                break;
        }

        s_countdown.Signal();
    }
}
