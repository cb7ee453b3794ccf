using Atasker.ProcessTests.Tasks;
using static Atasker.ProcessTests.Workers;

namespace Atasker.ProcessTests;

/// <summary>
/// Workers declared with <c>Kind = TaskKind.Process</c>: each execution is one process task in the supervisor's
/// process pool, with the worker semantics unchanged (no overlap, false stops it, failures through Error and Failures,
/// drain and token on stop), and a crashed worker process fails that execution only.
/// </summary>
public sealed class ProcessWorkerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("atasker-process-workers-").FullName;

    public ProcessWorkerTests() => Environment.SetEnvironmentVariable(ProcessWorkers.DirectoryVariable, _dir);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(ProcessWorkers.DirectoryVariable, null);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_queue_worker_runs_each_item_in_a_worker_process_in_order_without_overlap_and_drains_on_stop()
    {
        using var supervisor = Create(poolSize: 2);
        var worker = ProcessWorkers.RecordWorker;
        Assert.Equal(TaskKind.Process, worker.Kind);
        Assert.Equal(TaskPriority.High, worker.Priority);
        string file = Path.Combine(_dir, "records");
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        worker.Error += (_, e) => errors.Enqueue(e.Exception);
        worker.Start(supervisor);
        try
        {
            for (int i = 0; i < 30; i++)
            {
                worker.Put($"{file}|item {i}");
            }
        }
        finally
        {
            await worker.StopAsync().WaitAsync(Patience); // every item put before the stop runs first
        }

        Assert.True(errors.IsEmpty, string.Join(Environment.NewLine, errors));
        var lines = File.ReadAllLines(file);
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"item {i}"), lines.Select(line => line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
        var pids = lines.Select(line => int.Parse(line[..line.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList();
        Assert.DoesNotContain(Environment.ProcessId, pids);
        Assert.Equal((30L, 0L), (worker.Executions, worker.Failures));
        Assert.True(supervisor.GetProcessWorkers().Started >= 1);
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task An_interval_worker_whose_process_body_returns_false_stops_itself()
    {
        using var supervisor = Create(poolSize: 1);
        var worker = ProcessWorkers.TickWorker; // one per type, shared by the tests: its counts add up
        long executions = worker.Executions, failures = worker.Failures;
        worker.Start(supervisor);
        Eventually(() => !worker.IsActive && worker.Executions == executions + 3, "the third execution returned false and the worker stopped");

        Assert.Equal(failures, worker.Failures);
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "ticks")).Length);
        Assert.All(File.ReadAllLines(Path.Combine(_dir, "ticks")), pid => Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), pid));
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task A_worker_process_that_crashes_fails_that_execution_only_and_the_worker_goes_on_with_a_fresh_process()
    {
        using var supervisor = Create(poolSize: 1);
        var worker = ProcessWorkers.CrashOnceWorker;
        var errors = new List<WorkerErrorEventArgs>();
        void OnError(object? sender, WorkerErrorEventArgs e)
        {
            lock (errors)
            {
                errors.Add(e);
            }
        }

        worker.Error += OnError;
        try
        {
            worker.Start(supervisor);
            worker.Trigger();
            Eventually(() => worker.Executions == 1, "the crashed execution ended");
            Assert.Equal(1, worker.Failures);
            Assert.True(worker.IsActive, "a crash fails one execution; the worker goes on");
            // Error is raised once the worker's lock is released, so it may follow the count by a moment.
            Eventually(() => { lock (errors) { return errors.Count == 1; } }, "the crash raised Error");
            lock (errors)
            {
                Assert.IsType<ProcessWorkerException>(Assert.Single(errors).Exception);
            }

            worker.Trigger();
            Eventually(() => worker.Executions == 2, "the next execution ended");
            Assert.Equal(1, worker.Failures);
            int crashed = int.Parse(File.ReadAllText(Path.Combine(_dir, "crashed")), System.Globalization.CultureInfo.InvariantCulture);
            int fresh = int.Parse(File.ReadAllLines(Path.Combine(_dir, "ok")).Single(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.NotEqual(crashed, fresh);
            Assert.Equal(1, supervisor.GetProcessWorkers().Lost);
            lock (errors)
            {
                Assert.Single(errors); // the fresh process's execution raised nothing
            }
        }
        finally
        {
            worker.Error -= OnError;
            await worker.StopAsync().WaitAsync(Patience);
        }

        await supervisor.StopAsync();
    }

    [Fact]
    public async Task An_execution_is_a_process_task_of_the_pool_with_the_worker_s_priority_and_a_stop_signals_its_token_in_the_process()
    {
        using var supervisor = Create(poolSize: 1);
        var worker = ProcessWorkers.WaitForStopWorker;
        worker.Start(supervisor);
        worker.Trigger();
        Eventually(() => File.Exists(Path.Combine(_dir, "started")), "the execution started in its worker process");

        var execution = Assert.Single(supervisor.GetTasks(), task => task.Name == worker.Name);
        Assert.Equal((TaskKind.Process, TaskPriority.High, TaskState.Started), (execution.Kind, execution.Priority, execution.State));
        Assert.Equal(1, supervisor.GetInfo().Process.Active);
        Assert.Equal(execution.Id, Assert.Single(supervisor.GetProcessWorkers().Workers).TaskId);

        await worker.StopAsync().WaitAsync(Patience); // the body waits for its token: the stop must signal it there
        Assert.Equal("True", File.ReadAllText(Path.Combine(_dir, "canceled")));
        Assert.Equal((1L, 0L), (worker.Executions, worker.Failures)); // giving up on a stop's token is not a failure
        Assert.Equal(TaskState.Canceled, execution.State);
        await supervisor.StopAsync();
    }

    [Fact]
    public void A_supervisor_stop_that_cancels_ends_an_execution_whose_body_ignores_its_token()
    {
        var supervisor = Create(poolSize: 1);
        var worker = ProcessWorkers.StubbornWorker;
        worker.Start(supervisor);
        worker.Trigger();
        string started = Path.Combine(_dir, "stubborn");
        Eventually(() => File.Exists(started) && new FileInfo(started).Length > 0, "the stubborn execution started in its worker process");
        int pid = int.Parse(File.ReadAllText(started), System.Globalization.CultureInfo.InvariantCulture);
        var execution = Assert.Single(supervisor.GetTasks(), task => task.Name == worker.Name);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        supervisor.Stop(wait: true, cancelTasks: true); // the worker process is killed once the grace period is over

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"Stop took {clock.Elapsed}.");
        Assert.False(worker.IsActive);
        Assert.Equal(TaskState.Canceled, execution.State);
        Assert.Equal(1L, worker.Executions);
        Eventually(() => !IsAlive(pid), "the stubborn worker process exited");
    }

    [Fact]
    public void A_process_worker_keeps_running_and_stops_while_the_dotnet_ThreadPool_is_starved()
    {
        var supervisor = Create(poolSize: 1);
        var worker = ProcessWorkers.TickWorker; // one per type, shared by the tests: its counts add up
        long executions = worker.Executions;
        using (Atasker.Isolation.Tests.Starvation.Begin())
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            worker.Start(supervisor); // a worker process to start, three executions in it, and the stop the third asks for
            Eventually(() => !worker.IsActive && worker.Executions == executions + 3, "three executions in a worker process, then the worker stopped");
            Assert.True(worker.StopAsync().Wait(Patience), "the worker's stop finished");
            supervisor.Stop(wait: true, cancelTasks: true);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"with the ThreadPool starved, the worker took {clock.Elapsed}.");
        }

        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "ticks")).Length);
    }

    [Fact]
    public void A_process_task_starts_and_a_stop_ends_while_the_dotnet_ThreadPool_is_starved()
    {
        // Regression: the wait for a worker process to connect (NamedPipeServerStream.WaitForConnection on Unix)
        // needed a ThreadPool thread, so with the ThreadPool starved no process task ever started.
        var supervisor = Create(poolSize: 1);
        using (Atasker.Isolation.Tests.Starvation.Begin())
        {
            int pid = RemoteTasks.StartProcessId(supervisor.Options()).Wait(Patience);
            Assert.NotEqual(Environment.ProcessId, pid);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            supervisor.Stop(wait: true, cancelTasks: true);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"Stop took {clock.Elapsed}.");
            Eventually(() => !IsAlive(pid), "the worker process exited");
        }
    }

    [Fact]
    public void Only_a_generated_process_worker_runs_as_Process_and_it_runs_as_nothing_else()
    {
        var local = new IntervalWorker("local-poller", _ => { });
        var toProcess = Assert.Throws<ArgumentException>(() => local.Kind = TaskKind.Process);
        Assert.Contains("'local-poller'", toProcess.Message, StringComparison.Ordinal);
        Assert.Contains("[BackgroundWorker(Kind = TaskKind.Process)]", toProcess.Message, StringComparison.Ordinal);

        var toThread = Assert.Throws<ArgumentException>(() => ProcessWorkers.TickWorker.Kind = TaskKind.Thread);
        Assert.Contains("'ProcessWorkers.Tick'", toThread.Message, StringComparison.Ordinal);
        Assert.Contains("worker processes", toThread.Message, StringComparison.Ordinal);
        Assert.Equal(TaskKind.Process, ProcessWorkers.TickWorker.Kind);
    }
}
