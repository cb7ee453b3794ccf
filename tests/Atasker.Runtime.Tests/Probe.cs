using System.Collections.Concurrent;

namespace Atasker.Runtime.Tests;

/// <summary>
/// Test bodies that record when they start and block on a gate until the test opens it. Disposing opens the gate,
/// so a failing test never leaves threads blocked. All waits are on signals, with a generous deadline.
/// </summary>
internal sealed class Probe : IDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly ManualResetEventSlim _gate = new(false);
    private readonly ConcurrentQueue<string> _started = new();
    private readonly object _signal = new();

    /// <summary>Names in the order their bodies started.</summary>
    public IReadOnlyList<string> Started => _started.ToArray();

    /// <summary>A body that records <paramref name="name"/> and waits for the gate (or for its token).</summary>
    public Func<CancellationToken, string> Blocking(string name) => cancellationToken =>
    {
        Record(name);
        _gate.Wait(cancellationToken);
        return name;
    };

    /// <summary>A body that records <paramref name="name"/> and returns at once.</summary>
    public Func<CancellationToken, string> Quick(string name) => _ =>
    {
        Record(name);
        return name;
    };

    public void Open() => _gate.Set();

    /// <summary>Blocks until at least <paramref name="count"/> bodies have started.</summary>
    public void WaitForStarts(int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        lock (_signal)
        {
            while (_started.Count < count)
            {
                var left = deadline - DateTime.UtcNow;
                Assert.True(left > TimeSpan.Zero, $"Only {_started.Count} of {count} bodies started within {Patience}: {string.Join(", ", _started)}");
                Monitor.Wait(_signal, left);
            }
        }
    }

    public void Dispose()
    {
        _gate.Set();
    }

    private void Record(string name)
    {
        _started.Enqueue(name);
        lock (_signal)
        {
            Monitor.PulseAll(_signal);
        }
    }
}

/// <summary>Creates supervisors for tests and makes sure they stop without hanging.</summary>
internal static class Supervisors
{
    public static TaskSupervisor Create(int poolSize, int reserveNormal = 0, int reserveHigh = 0)
    {
        var supervisor = new TaskSupervisor();
        supervisor.SetThreadPool(poolSize, reserveNormal, reserveHigh);
        return supervisor;
    }

    public static TaskOptions With(this TaskSupervisor supervisor, TaskPriority priority = TaskPriority.Normal, string? name = null) =>
        new() { Priority = priority, Name = name };

    /// <summary>Takes the next item a body added (an execution's start), up to <see cref="Probe.Patience"/>.</summary>
    public static T Take<T>(System.Collections.Concurrent.BlockingCollection<T> items)
    {
        Assert.True(items.TryTake(out var item, Probe.Patience), "an execution started");
        return item;
    }

    /// <summary>Waits for a condition that a signal cannot tell (a thread exiting), up to <see cref="Probe.Patience"/>.</summary>
    public static void Eventually(Func<bool> condition, string what) =>
        Assert.True(SpinWait.SpinUntil(condition, Probe.Patience), $"Timed out waiting until {what}.");
}
