using Atasker;

namespace Atasker.Benchmarks;

/// <summary>The task methods every comparison launches through their generated stubs.</summary>
public static partial class Workloads
{
    [BackgroundTask]
    public static partial void Noop()
    {
    }

    [BackgroundTask(Priority = TaskPriority.Low)]
    public static partial void NoopLow(Countdown countdown) => countdown.Signal();

    [BackgroundTask(Priority = TaskPriority.Normal)]
    public static partial void NoopNormal(Countdown countdown) => countdown.Signal();

    [BackgroundTask(Priority = TaskPriority.High)]
    public static partial void NoopHigh(Countdown countdown) => countdown.Signal();

    [BackgroundTask(Priority = TaskPriority.Critical)]
    public static partial int Critical(int value) => value;

    [BackgroundTask(Priority = TaskPriority.High)]
    public static partial void Hold(ManualResetEventSlim started, ManualResetEventSlim release)
    {
        started.Set();
        release.Wait();
    }

    [BackgroundTask(Kind = TaskKind.Process)]
    public static partial int Echo(int value) => value;

    /// <summary>An async body that yields once: the smallest body that really suspends.</summary>
    [BackgroundTask]
    public static async partial Task YieldAsync(Countdown countdown)
    {
        await Task.Yield();
        countdown.Signal();
    }

    /// <summary>The body the executor comparisons run: yields once, returns its argument.</summary>
    public static async Task<int> YieldValueAsync(int value)
    {
        await Task.Yield();
        return value;
    }

    /// <summary>Starts a no-op task with a priority picked by <paramref name="i"/>, as mixed traffic would.</summary>
    public static TaskHandle StartMixed(int i, Countdown countdown, TaskOptions options) => (i % 3) switch
    {
        0 => StartNoopLow(countdown, options),
        1 => StartNoopNormal(countdown, options),
        _ => StartNoopHigh(countdown, options),
    };
}

/// <summary>Counts finished work items down to zero, then wakes the waiter: the same completion for every contender,
/// so only the way work is launched differs.</summary>
public sealed class Countdown
{
    private readonly ManualResetEventSlim _done = new();
    private int _left;

    public void Reset(int count)
    {
        _done.Reset();
        Volatile.Write(ref _left, count);
    }

    public void Signal()
    {
        if (Interlocked.Decrement(ref _left) == 0)
        {
            _done.Set();
        }
    }

    public void Wait()
    {
        if (!_done.Wait(TimeSpan.FromMinutes(2)))
        {
            throw new TimeoutException($"{Volatile.Read(ref _left)} work items never finished.");
        }
    }
}
