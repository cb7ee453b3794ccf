namespace Atasker.Runtime.Tests;

/// <summary>
/// The thread pool's hand-off order, driven without threads: the pool's ready queue is the one place that says what
/// starts next, and a thread that finishes a task takes its head.
/// </summary>
public sealed class ReadyQueueTests
{
    [Fact]
    public void A_finishing_thread_takes_the_task_admitted_before_it_not_the_one_its_slot_admits()
    {
        var threads = new RecordingThreads();
        var pool = new PriorityAdmission("thread", new PoolLimits(3), threads, new IgnoredQueueWaits(), SupervisorClock.Own) { Owner = Owner };

        var blockers = Admit(pool, TaskPriority.Normal, "b0", "b1");
        var high = Admit(pool, TaskPriority.High, "high").Single(); // takes the free slot; no thread has come for it yet
        var lows = Admit(pool, TaskPriority.Low, Enumerable.Range(0, 200).Select(i => $"low{i}").ToArray());
        Assert.Same(blockers[0], pool.TakeReady());
        Assert.Same(blockers[1], pool.TakeReady());
        Assert.Equal(200, pool.GetInfo().Queued);

        // A blocker ends: its slot admits low0, but its thread runs the High task, which was admitted first.
        Assert.Same(high, pool.Release(takeNext: true, SupervisorClock.Own.Now));
        Assert.Same(lows[0], pool.TakeReady());

        // The ready queue is empty now: the task the slot admits goes straight to the finishing thread, and nobody else
        // is told of it.
        int calls = threads.Calls;
        Assert.Same(lows[1], pool.Release(takeNext: true, SupervisorClock.Own.Now));
        Assert.Equal(calls, threads.Calls);
        Assert.False(pool.HasReady);
        pool.AssertInvariants();
        Assert.Null(pool.TakeReady());
        Assert.Equal((3, 198), (pool.GetInfo().Active, pool.GetInfo().Queued));
        Assert.True(threads.Calls >= 2, "every admission into the ready queue told the threads");
    }

    [Fact]
    public void Tasks_leave_the_ready_queue_in_the_order_the_pool_admitted_them()
    {
        var threads = new RecordingThreads();
        var pool = new PriorityAdmission("thread", new PoolLimits(1), threads, new IgnoredQueueWaits(), SupervisorClock.Own) { Owner = Owner };
        var running = Admit(pool, TaskPriority.Normal, "running").Single();
        Assert.Same(running, pool.TakeReady());
        var waiting = Admit(pool, TaskPriority.Low, "l0", "l1")
            .Concat(Admit(pool, TaskPriority.High, "h0", "h1"))
            .Concat(Admit(pool, TaskPriority.Normal, "n0"))
            .ToList();

        pool.SetLimits(new PoolLimits(10));

        var order = new List<string>();
        while (pool.TakeReady() is { } next)
        {
            order.Add(next.Name);
        }

        Assert.Equal(["h0", "h1", "n0", "l0", "l1"], order);
        Assert.Equal(5, waiting.Count);
    }

    private static List<TaskHandle> Admit(PriorityAdmission pool, TaskPriority priority, params string[] names)
    {
        var handles = new List<TaskHandle>();
        foreach (var name in names)
        {
            var handle = new FuncTask<int, int>(0, static (value, _) => value);
            handle.Initialize(pool, Interlocked.Increment(ref s_id), name, priority, TaskKind.Thread, observesCancellation: false, delayed: false);
            pool.Enqueue(handle);
            handles.Add(handle);
        }

        return handles;
    }

    private static long s_id;

    private static readonly TaskSupervisor Owner = new("ready-queue-tests");

    /// <summary>Threads that never come: it only counts how often the pool asked for one.</summary>
    private sealed class RecordingThreads : IReadyQueueRunner
    {
        public int Calls { get; private set; }

        public void OnReady() => Calls++;
    }

    private sealed class IgnoredQueueWaits : IQueueWaitObserver
    {
        public void OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool)
        {
        }
    }
}
