namespace Atasker.Runtime.Tests;

/// <summary>
/// A dispatching pool (the async loops' and the process pool's kind) driven by one thread with a recording
/// dispatcher: thousands of random submissions, ends, cancels and limit changes, with every invariant of the pool
/// checked after each, and the dispatch order checked: FIFO within a priority (strict priority across them is an invariant).
/// </summary>
public sealed class AdmissionInvariantTests
{
    private static readonly TaskSupervisor Owner = new("admission-invariants");
    private static long s_id;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_operations_keep_every_invariant_and_dispatch_in_priority_order(int seed)
    {
        var random = new Random(seed);
        var dispatcher = new RecordingDispatcher();
        var pool = new PriorityAdmission("async", new PoolLimits(2, 1, 1), dispatcher, new IgnoredQueueWaits(), SupervisorClock.Own) { Owner = Owner };
        var all = new List<TaskHandle>();
        for (int step = 0; step < 5_000; step++)
        {
            switch (random.Next(10))
            {
                case < 5:
                    all.Add(Submit(pool, (TaskPriority)random.Next(4)));
                    break;
                case < 8 when dispatcher.Running.Count > 0:
                    var ended = dispatcher.Running[random.Next(dispatcher.Running.Count)];
                    dispatcher.Running.Remove(ended);
                    _ = ended.EndOnce(TaskState.Completed, null, SupervisorClock.Own.Now, takeNext: false);
                    break;
                case 8 when all.Count > 0:
                    all[random.Next(all.Count)].Cancel();
                    break;
                case 9:
                    pool.SetLimits(new PoolLimits(random.Next(4), random.Next(3), random.Next(3)));
                    break;
            }

            pool.AssertInvariants();
            var info = pool.GetInfo();
            Assert.True(info.Active >= dispatcher.Running.Count(handle => !handle.IsFinished), $"step {step}: a dispatched task runs without a slot");
        }

        // Drain: every task ends, none is lost, and the pool is empty.
        pool.SetLimits(new PoolLimits(0)); // unlimited: everything waiting is dispatched now
        while (dispatcher.Running.Count > 0)
        {
            var ended = dispatcher.Running[0];
            dispatcher.Running.RemoveAt(0);
            _ = ended.EndOnce(TaskState.Completed, null, SupervisorClock.Own.Now, takeNext: false);
            pool.AssertInvariants();
        }

        Assert.All(all, handle => Assert.True(handle.IsFinished, $"{handle} never ended"));
        Assert.Equal((0, 0), (pool.GetInfo().Active, pool.GetInfo().Queued));
    }

    [Fact]
    public void A_run_ended_twice_gives_its_slot_back_once()
    {
        // Two exit paths of one run (a process task's reply and its worker's loss, an async body's completion and its
        // loop's abandon) both end it: the second end must not free a slot the next task already holds.
        var dispatcher = new RecordingDispatcher();
        var pool = new PriorityAdmission("process", new PoolLimits(1), dispatcher, new IgnoredQueueWaits(), SupervisorClock.Own) { Owner = Owner };
        var first = Submit(pool, TaskPriority.Normal);
        var second = Submit(pool, TaskPriority.Normal);
        var third = Submit(pool, TaskPriority.Normal);
        Assert.Equal([first], dispatcher.Running);

        var run = dispatcher.Runs[0];
        _ = run.End(TaskState.Completed, null, SupervisorClock.Own.Now);
        _ = run.End(TaskState.Faulted, new InvalidOperationException("late"), SupervisorClock.Own.Now);
        pool.AssertInvariants();

        Assert.Equal(TaskState.Completed, first.State);
        Assert.Null(first.Exception);
        Assert.Equal([first, second], dispatcher.Running);
        Assert.Equal(TaskState.Queued, third.State);
        Assert.Equal((1, 1), (pool.GetInfo().Active, pool.GetInfo().Queued));
    }

    [Fact]
    public void A_pool_whose_queue_was_corrupted_says_which_invariant_broke()
    {
        var dispatcher = new RecordingDispatcher();
        var pool = new PriorityAdmission("async", new PoolLimits(1), dispatcher, new IgnoredQueueWaits(), SupervisorClock.Own) { Owner = Owner };
        _ = Submit(pool, TaskPriority.Normal);
        var waiting = Submit(pool, TaskPriority.Normal);
        pool.AssertInvariants();

        waiting.Admission = AdmissionStatus.Admitted; // what a lost update under a missing lock would leave
        var error = Assert.Throws<InvalidOperationException>(pool.AssertInvariants);
        Assert.Contains("The async pool broke an invariant", error.Message, StringComparison.Ordinal);
        Assert.Contains(waiting.Name, error.Message, StringComparison.Ordinal);
        waiting.Admission = AdmissionStatus.Waiting;
    }

    private static TaskHandle Submit(PriorityAdmission pool, TaskPriority priority)
    {
        long id = Interlocked.Increment(ref s_id);
        var handle = new FuncTask<int, int>(0, static (value, _) => value);
        handle.Initialize(pool, id, $"t{id}", priority, TaskKind.Async, observesCancellation: false, delayed: false);
        pool.Enqueue(handle);
        return handle;
    }

    /// <summary>Records what the pool dispatches and checks FIFO within each priority (ids grow in submission order);
    /// a canceled task is ended at once, as the loops do.</summary>
    private sealed class RecordingDispatcher : IDispatchRunner
    {
        private readonly long[] _lastId = new long[4];

        public List<TaskHandle> Running { get; } = [];

        public List<TaskRun> Runs { get; } = [];

        public void Dispatch(TaskHandle item)
        {
            Assert.True(item.Id > _lastId[(int)item.Priority], $"{item} was dispatched after a later {item.Priority} task");
            _lastId[(int)item.Priority] = item.Id;
            var run = TaskRun.Begin(item, SupervisorClock.Own.Now);
            if (!run.Begun)
            {
                _ = run.End(TaskState.Canceled, null, SupervisorClock.Own.Now);
                return;
            }

            Running.Add(item);
            Runs.Add(run);
        }
    }

    private sealed class IgnoredQueueWaits : IQueueWaitObserver
    {
        public void OnQueueWait(TaskHandle task, TimeSpan waited, QueueWaitLevel level, string pool)
        {
        }
    }
}
