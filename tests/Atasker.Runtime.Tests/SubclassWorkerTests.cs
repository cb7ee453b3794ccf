using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Atasker.Runtime.Tests;

/// <summary>
/// Worker classes a user derives from: the body is an override (Run or RunAsync), the options are the same properties,
/// and OnStarting / OnStopped are called around each activation. The semantics of DESIGN section 6 are the delegate
/// workers' (the shared tests cover them); these tests pin what is new: which override runs where, the order of the
/// hooks, and what a failing hook or a missing override does.
/// </summary>
public sealed class SubclassWorkerTests
{
    [Fact]
    public async Task A_loop_subclass_runs_its_Run_on_a_supervisor_thread_until_it_returns_false_between_its_hooks()
    {
        await using var supervisor = new TaskSupervisor("subclass-loop");
        var worker = new CountingLoop("counting", stopAfter: 5);
        Assert.Equal(TaskKind.Thread, worker.Kind);

        Assert.True(worker.Start(supervisor));
        Supervisors.Eventually(() => !worker.IsActive, "the fifth Run returned false");
        Supervisors.Eventually(() => worker.Events.Contains("stopped"), "OnStopped ran");

        Assert.Equal(["starting", "run 1", "run 2", "run 3", "run 4", "run 5", "stopped"], worker.Events);
        Assert.Equal((5L, 0L), (worker.Executions, worker.Failures));
        Assert.All(worker.Threads, name => Assert.Equal("Atasker subclass-loop", name));
    }

    [Fact]
    public async Task OnStopped_has_run_when_Stop_returns_and_the_worker_starts_again_with_a_second_OnStarting()
    {
        await using var supervisor = new TaskSupervisor("subclass-restart");
        var worker = new CountingLoop("restartable", stopAfter: int.MaxValue);

        worker.Start(supervisor);
        Supervisors.Eventually(() => worker.Executions >= 2, "the loop ran");
        worker.Stop();
        Assert.Equal("stopped", worker.Events.Last());
        Assert.Equal(1, worker.Events.Count(e => e == "stopped"));

        worker.Events.Clear();
        Assert.True(worker.Start(supervisor));
        Supervisors.Eventually(() => worker.Events.Count >= 2, "the second activation ran");
        await worker.StopAsync();
        Assert.Equal("starting", worker.Events.First());
        Assert.Equal("stopped", worker.Events.Last());
        Assert.Equal(1, worker.Events.Count(e => e == "starting"));
    }

    [Fact]
    public async Task A_RunAsync_override_with_Kind_Async_runs_on_the_supervisors_loop()
    {
        await using var supervisor = new TaskSupervisor("subclass-async");
        var worker = new AsyncLoopSubclass("async-sub") { Kind = TaskKind.Async };

        worker.Start(supervisor);
        var thread = Supervisors.Take(worker.Threads);
        await worker.StopAsync();

        Assert.StartsWith("Atasker loop", thread, StringComparison.Ordinal);
        Assert.True(worker.Executions >= 1);
    }

    [Fact]
    public async Task A_RunAsync_override_left_on_threads_runs_off_the_loop()
    {
        await using var supervisor = new TaskSupervisor("subclass-async-threads");
        var worker = new AsyncLoopSubclass("async-on-threads");

        worker.Start(supervisor);
        var thread = Supervisors.Take(worker.Threads);
        await worker.StopAsync();

        Assert.False(thread?.StartsWith("Atasker loop", StringComparison.Ordinal), $"ran on {thread}");
    }

    [Fact]
    public async Task An_OnStarting_that_throws_fails_Start_and_leaves_the_worker_stopped_without_OnStopped()
    {
        await using var supervisor = new TaskSupervisor("subclass-bad-start");
        var worker = new CountingLoop("refuses", stopAfter: int.MaxValue) { FailStart = true };

        var error = Assert.Throws<InvalidOperationException>(() => worker.Start(supervisor));

        Assert.Equal("refused to start", error.Message);
        Assert.False(worker.IsActive);
        Assert.Equal(["starting"], worker.Events);
        Assert.Empty(supervisor.GetInfo().Workers);
        Assert.Equal(0, worker.Executions);

        // Nothing is left half-started: once the subclass lets it, the worker starts.
        worker.FailStart = false;
        Assert.True(worker.Start(supervisor));
        Supervisors.Eventually(() => worker.Executions >= 1, "the worker ran after a good start");
        await worker.StopAsync();
    }

    [Fact]
    public async Task A_Start_on_another_thread_while_OnStarting_runs_returns_false_and_the_worker_is_started_once()
    {
        await using var supervisor = new TaskSupervisor("subclass-racing-start");
        using var inStarting = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var worker = new CountingLoop("raced", stopAfter: int.MaxValue) { InStarting = inStarting, HoldStart = release };

        var first = Task.Factory.StartNew(() => worker.Start(supervisor), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Assert.True(inStarting.Wait(Probe.Patience), "OnStarting was called");

        Assert.False(worker.Start(supervisor));
        Assert.Equal(0, worker.Executions);
        release.Set();
        Assert.True(await first.WaitAsync(Probe.Patience));

        Supervisors.Eventually(() => worker.Executions >= 1, "the worker ran");
        await worker.StopAsync();
        Assert.Equal(1, worker.Events.Count(e => e == "starting"));
    }

    [Fact]
    public async Task An_OnStopped_that_throws_is_raised_through_Error_and_the_stop_completes()
    {
        await using var supervisor = new TaskSupervisor("subclass-bad-stop");
        var worker = new CountingLoop("fails-stopping", stopAfter: int.MaxValue) { FailStop = true };
        var errors = new ConcurrentQueue<WorkerErrorEventArgs>();
        worker.Error += (_, e) => errors.Enqueue(e);

        worker.Start(supervisor);
        Supervisors.Eventually(() => worker.Executions >= 1, "the loop ran");
        await worker.StopAsync().WaitAsync(Probe.Patience);

        var error = Assert.Single(errors);
        Assert.Equal("failed to stop", error.Exception.Message);
        Assert.Same(worker, error.Worker);
        Assert.False(worker.IsActive);
        Assert.Equal(0, worker.Failures); // the hook is not an execution
        Assert.True(worker.Start(supervisor));
        await worker.StopAsync().WaitAsync(Probe.Patience);
    }

    [Fact]
    public async Task A_Start_while_OnStopped_runs_says_the_worker_is_still_stopping()
    {
        await using var supervisor = new TaskSupervisor("subclass-start-in-stop");
        using var inStopped = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var worker = new CountingLoop("slow-stop", stopAfter: int.MaxValue) { InStopped = inStopped, HoldStop = release };

        worker.Start(supervisor);
        Supervisors.Eventually(() => worker.Executions >= 1, "the loop ran");
        // On a thread of its own: a stop that finds the worker between executions finishes (and runs OnStopped) on
        // the caller's thread, which must not be the one that checks the stop is unfinished.
        var stopper = new Thread(() => worker.Stop()) { IsBackground = true };
        stopper.Start();
        Assert.True(inStopped.Wait(Probe.Patience), "OnStopped was called");

        Assert.True(stopper.IsAlive, "the stop is unfinished while OnStopped runs");
        var error = Assert.Throws<InvalidOperationException>(() => worker.Start(supervisor));
        Assert.Contains("'slow-stop' is still stopping", error.Message, StringComparison.Ordinal);
        release.Set();
        Assert.True(stopper.Join(Probe.Patience), "the stop finished once OnStopped returned");
        Assert.True(worker.Start(supervisor));
        release.Set();
        await worker.StopAsync().WaitAsync(Probe.Patience);
    }

    [Fact]
    public async Task A_subclass_that_overrides_no_body_fails_once_naming_the_worker_and_stops()
    {
        await using var supervisor = new TaskSupervisor("subclass-no-body");
        var worker = new NoBody("empty");
        var errors = new ConcurrentQueue<WorkerErrorEventArgs>();
        worker.Error += (_, e) => errors.Enqueue(e);

        worker.Start(supervisor);
        Supervisors.Eventually(() => !worker.IsActive, "the worker stopped after the missing body");
        await worker.StopAsync().WaitAsync(Probe.Patience); // the stop it began has finished: its error is raised

        var error = Assert.IsType<NotImplementedException>(Assert.Single(errors).Exception);
        Assert.Contains("'empty' (NoBody)", error.Message, StringComparison.Ordinal);
        Assert.Contains("overrides neither Run nor RunAsync", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, worker.Failures);
    }

    [Fact]
    public async Task A_queue_subclass_runs_each_item_in_order_and_drains_before_Stop_returns()
    {
        await using var supervisor = new TaskSupervisor("subclass-queue");
        var worker = new Mailer("mailer", capacity: 0);

        for (int i = 0; i < 500; i++)
        {
            worker.Put(i);
        }

        worker.Start(supervisor);
        for (int i = 500; i < 1000; i++)
        {
            worker.Put(i);
        }

        worker.Stop();
        Assert.Equal(Enumerable.Range(0, 1000), worker.Sent);
        Assert.Equal(1000, worker.Executions);
        Assert.True(worker.StoppedAfterDrain);
    }

    [Fact]
    public async Task A_queue_subclass_with_a_capacity_validates_it_and_its_false_keeps_the_rest_queued()
    {
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new Mailer("bad-mailer", capacity: -1));
        Assert.Contains("Worker 'bad-mailer'", bad.Message, StringComparison.Ordinal);

        await using var supervisor = new TaskSupervisor("subclass-queue-false");
        var worker = new Mailer("picky", capacity: 10) { StopAt = 3 };
        Assert.Equal(10, worker.QueueCapacity);
        for (int i = 0; i < 6; i++)
        {
            worker.Put(i);
        }

        worker.Start(supervisor);
        Supervisors.Eventually(() => !worker.IsActive, "the item 3 returned false");
        Assert.Equal([0, 1, 2, 3], worker.Sent);
        Assert.Equal(2, worker.Count);
    }

    [Fact]
    public async Task An_async_queue_subclass_on_the_loop_sees_every_item()
    {
        await using var supervisor = new TaskSupervisor("subclass-queue-async");
        var worker = new AsyncMailer("async-mailer") { Kind = TaskKind.Async };

        worker.Start(supervisor);
        for (int i = 0; i < 100; i++)
        {
            await worker.PutAsync(i);
        }

        await worker.StopAsync().WaitAsync(Probe.Patience);
        Assert.Equal(Enumerable.Range(0, 100), worker.Seen);
        Assert.All(worker.Threads, name => Assert.StartsWith("Atasker loop", name, StringComparison.Ordinal));
    }

    [Fact]
    public void An_event_subclass_runs_once_per_trigger()
    {
        var supervisor = new TaskSupervisor("subclass-event");
        var worker = new Alarm("alarm");

        worker.Start(supervisor);
        Assert.Equal(0, worker.Executions);
        worker.Trigger();
        Assert.Equal(1, Supervisors.Take(worker.Runs));
        worker.Trigger();
        Assert.Equal(2, Supervisors.Take(worker.Runs));

        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void An_interval_subclass_sets_its_interval_in_the_constructor_and_runs_on_the_supervisors_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var supervisor = new TaskSupervisor("subclass-interval", time);
        var worker = new Poller("poller", time);

        worker.Start(supervisor);
        Assert.Equal(time.Start, Supervisors.Take(worker.Runs)); // an interval worker runs at its start
        Supervisors.Eventually(() => worker.Executions == 1, "the first execution ended");
        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Empty(worker.Runs);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(time.Start.AddSeconds(30), Supervisors.Take(worker.Runs));

        worker.Stop();
        supervisor.Stop();
    }

    [Fact]
    public void A_cron_subclass_runs_at_its_occurrences_in_its_zone_and_rejects_bad_text_naming_itself()
    {
        var bad = Assert.Throws<ArgumentException>(() => new Nightly("nightly-bad", "61 * * * *"));
        Assert.Contains("Worker 'nightly-bad'", bad.Message, StringComparison.Ordinal);

        var time = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero));
        var supervisor = new TaskSupervisor("subclass-cron", time);
        var worker = new Nightly("nightly", "30 2 * * *", "Europe/Berlin", time);

        worker.Start(supervisor);
        var expected = new DateTimeOffset(2026, 6, 1, 0, 30, 0, TimeSpan.Zero); // 02:30 in Berlin, summer time
        Assert.Equal(expected, worker.NextRun);
        time.Advance(expected - time.GetUtcNow());
        Assert.Equal(expected, Supervisors.Take(worker.Runs));

        worker.Stop();
        supervisor.Stop();
    }

    private sealed class CountingLoop(string name, int stopAfter) : LoopWorker(name)
    {
        private int _runs;

        public ConcurrentQueue<string> Events { get; } = new();

        public ConcurrentQueue<string?> Threads { get; } = new();

        public bool FailStart { get; set; }

        public bool FailStop { get; set; }

        public ManualResetEventSlim? InStarting { get; init; }

        public ManualResetEventSlim? HoldStart { get; init; }

        public ManualResetEventSlim? InStopped { get; init; }

        public ManualResetEventSlim? HoldStop { get; init; }

        protected override void OnStarting()
        {
            Events.Enqueue("starting");
            _runs = 0;
            InStarting?.Set();
            HoldStart?.Wait(Probe.Patience);
            if (FailStart)
            {
                throw new InvalidOperationException("refused to start");
            }
        }

        protected override bool Run(CancellationToken cancellationToken)
        {
            int run = Interlocked.Increment(ref _runs);
            Events.Enqueue($"run {run}");
            Threads.Enqueue(Thread.CurrentThread.Name);
            return run < stopAfter;
        }

        protected override void OnStopped()
        {
            Events.Enqueue("stopped");
            InStopped?.Set();
            HoldStop?.Wait(Probe.Patience);
            if (FailStop)
            {
                throw new InvalidOperationException("failed to stop");
            }
        }
    }

    private sealed class AsyncLoopSubclass(string name) : LoopWorker(name)
    {
        public BlockingCollection<string?> Threads { get; } = new();

        protected override async ValueTask<bool> RunAsync(CancellationToken cancellationToken)
        {
            await Task.Yield();
            Threads.Add(Thread.CurrentThread.Name, CancellationToken.None);
            return true;
        }
    }

    private sealed class NoBody(string name) : LoopWorker(name);

    private sealed class Mailer(string name, int capacity) : QueueWorker<int>(name, capacity)
    {
        public List<int> Sent { get; } = [];

        public int StopAt { get; init; } = -1;

        public bool StoppedAfterDrain { get; private set; }

        protected override bool Run(int item, CancellationToken cancellationToken)
        {
            lock (Sent)
            {
                Sent.Add(item);
            }

            return item != StopAt;
        }

        protected override void OnStopped()
        {
            StoppedAfterDrain = Count == 0;
        }
    }

    private sealed class AsyncMailer(string name) : QueueWorker<int>(name)
    {
        public ConcurrentQueue<int> Seen { get; } = new();

        public ConcurrentQueue<string?> Threads { get; } = new();

        protected override async ValueTask<bool> RunAsync(int item, CancellationToken cancellationToken)
        {
            await Task.Yield();
            Seen.Enqueue(item);
            Threads.Enqueue(Thread.CurrentThread.Name);
            return true;
        }
    }

    private sealed class Alarm(string name) : EventWorker(name)
    {
        private int _runs;

        public BlockingCollection<int> Runs { get; } = new();

        protected override bool Run(CancellationToken cancellationToken)
        {
            Runs.Add(Interlocked.Increment(ref _runs), CancellationToken.None);
            return true;
        }
    }

    private sealed class Poller : IntervalWorker
    {
        private readonly TimeProvider _time;

        public Poller(string name, TimeProvider time)
            : base(name)
        {
            _time = time;
            Interval = TimeSpan.FromSeconds(30);
        }

        public BlockingCollection<DateTimeOffset> Runs { get; } = new();

        protected override bool Run(CancellationToken cancellationToken)
        {
            Runs.Add(_time.GetUtcNow(), CancellationToken.None);
            return true;
        }
    }

    private sealed class Nightly(string name, string cron, string? zone = null, TimeProvider? time = null) : CronWorker(name, cron, zone)
    {
        public BlockingCollection<DateTimeOffset> Runs { get; } = new();

        protected override bool Run(CancellationToken cancellationToken)
        {
            Runs.Add(time!.GetUtcNow(), CancellationToken.None);
            return true;
        }
    }
}
