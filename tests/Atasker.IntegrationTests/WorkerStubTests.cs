namespace Atasker.IntegrationTests;

public sealed class WorkerStubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_atasker_README_worker_examples_behave_as_it_describes()
    {
        var supervisor = new TaskSupervisor("readme");
        supervisor.SetThreadPool(poolSize: 20, reserveNormal: 5, reserveHigh: 5);
        var workers = new ReadmeWorkers();
        var printed = workers.Printed;

        // worker5: a custom interval worker, made from a delegate instead of a subclass.
        int worker5Runs = 0;
        var worker5 = new IntervalWorker("worker5", _ => Interlocked.Increment(ref worker5Runs)) { Interval = TimeSpan.FromSeconds(0.1) };

        BackgroundWorker[] all = [workers.Worker1Worker, workers.WorkerWorker, workers.Worker2Worker, workers.Worker3Worker, workers.Worker4Worker, worker5];
        foreach (var worker in all)
        {
            Assert.True(worker.Start(supervisor));
        }

        workers.Worker3Worker.Put("todo1");
        workers.Worker4Worker.Trigger();

        Assert.True(SpinWait.SpinUntil(
            () => workers.Worker1Worker.Executions >= 3 && workers.WorkerWorker.Executions >= 3 && workers.Worker3Worker.Executions == 1
                && workers.Worker4Worker.Executions == 1 && workers.Worker2Worker.Executions >= 1 && Volatile.Read(ref worker5Runs) >= 3,
            Patience));
        await supervisor.StopAsync().WaitAsync(Patience); // stops every worker started on it

        Assert.All(all, worker => Assert.False(worker.IsActive));
        Assert.Contains("I am a simple background worker", printed);
        Assert.Contains("I am async background worker", printed);
        Assert.Contains("I run every second!", printed);
        Assert.Single(printed, line => line == "I run when there is a task in my queue: todo1");
        Assert.Single(printed, line => line == "I run when triggered with high priority");
        Assert.InRange(workers.Worker2Worker.Executions, 1, 20); // once at start, then every second
        Assert.All(all, worker => Assert.Equal(0, worker.Failures));

        Assert.Equal(TaskPriority.High, workers.Worker4Worker.Priority);
        Assert.Equal(TaskKind.Async, workers.WorkerWorker.Kind);
        Assert.Equal(TaskKind.Thread, workers.Worker1Worker.Kind);
        Assert.Equal("ReadmeWorkers.Worker2", workers.Worker2Worker.Name);
        Assert.Equal(TimeSpan.FromSeconds(1), workers.Worker2Worker.Interval);
    }

    [Fact]
    public void Each_instance_has_its_own_worker_created_once_even_when_asked_for_concurrently()
    {
        var first = new ReadmeWorkers();
        var second = new ReadmeWorkers();
        var seen = new System.Collections.Concurrent.ConcurrentBag<QueueWorker<string>>();
        using var barrier = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            barrier.SignalAndWait();
            seen.Add(first.Worker3Worker);
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.Single(seen.Distinct());
        Assert.NotSame(first.Worker3Worker, second.Worker3Worker);
        Assert.Same(Ledger.RecordWorker, Ledger.RecordWorker);
    }

    [Fact]
    public async Task A_static_bounded_queue_worker_with_an_async_bool_body_stops_itself()
    {
        await using var supervisor = new TaskSupervisor();
        var worker = Ledger.RecordWorker;
        Assert.Equal(4, worker.QueueCapacity);
        for (int i = 0; i < 4; i++)
        {
            Assert.True(worker.TryPut(i));
        }

        Assert.False(worker.TryPut(99)); // full until it starts
        var waiting = worker.PutAsync(4);
        Assert.False(waiting.IsCompleted);

        worker.Start(supervisor);
        await waiting.AsTask().WaitAsync(Patience);
        await worker.PutAsync(-1).AsTask().WaitAsync(Patience);
        Assert.True(SpinWait.SpinUntil(() => !worker.IsActive, Patience));

        Assert.Equal([0, 1, 2, 3, 4, -1], Ledger.Entries);
    }

    [Fact]
    public async Task An_awaitable_body_with_Kind_Thread_runs_on_the_supervisors_threads_and_false_stops_it()
    {
        await using var supervisor = new TaskSupervisor();
        Ledger.Countdown = 5;
        var worker = Ledger.TickWorker;
        Assert.Equal(TaskKind.Thread, worker.Kind);
        Assert.Equal(TimeSpan.FromSeconds(0.01), worker.Delay);

        worker.Start(supervisor);
        Assert.True(SpinWait.SpinUntil(() => !worker.IsActive, Patience));

        Assert.Equal(5, worker.Executions);
        Assert.Equal(0, Ledger.Countdown);
        Assert.Empty(supervisor.GetInfo().Loops);
    }

    [Fact]
    public void A_cron_attribute_gives_a_cron_worker_that_runs_at_its_occurrences()
    {
        var supervisor = new TaskSupervisor("cron-attribute");
        var clock = new Clock();
        var worker = clock.TickWorker;

        Assert.IsType<CronWorker>(worker);
        Assert.Equal(("* * * * * *", "Europe/Berlin", TaskPriority.High), (worker.Cron, worker.TimeZone.Id, worker.Priority));
        Assert.True(worker.Start(supervisor));
        Assert.True(SpinWait.SpinUntil(() => worker.Executions >= 2, Patience), "two executions, a second apart");
        worker.Stop();

        var ticks = clock.Ticks.ToArray();
        Assert.True(ticks[1] - ticks[0] > TimeSpan.FromMilliseconds(500), $"two executions {(ticks[1] - ticks[0]).TotalMilliseconds:F0} ms apart");
        supervisor.Stop();
    }
}
