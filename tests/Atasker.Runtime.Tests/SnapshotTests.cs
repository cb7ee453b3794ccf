using Microsoft.Extensions.Time.Testing;

namespace Atasker.Runtime.Tests;

/// <summary>The snapshot APIs a dashboard reads: pool throughput and queue waits, the unfinished tasks, the workers.</summary>
public sealed class SnapshotTests
{
    [Fact]
    public void A_pool_counts_the_tasks_that_ended_and_the_waiting_ones_by_priority()
    {
        var time = new FakeTimeProvider();
        var supervisor = new TaskSupervisor("snapshot-counts", time);
        supervisor.SetThreadPool(1);
        using var probe = new Probe();
        var blocker = supervisor.Submit(probe.Blocking("blocker"));
        probe.WaitForStarts(1);
        var low = supervisor.Submit(probe.Quick("low"), supervisor.With(TaskPriority.Low));
        var high = Enumerable.Range(0, 2).Select(i => supervisor.Submit(probe.Quick($"high {i}"), supervisor.With(TaskPriority.High))).ToArray();

        var full = supervisor.GetInfo().Thread;
        Assert.Equal([1, 0, 2], full.QueuedByPriority);
        Assert.Equal(0, full.Ended);
        Assert.Equal(1, full.QueueWaits.Count); // the blocker, admitted at once

        time.Advance(TimeSpan.FromMilliseconds(100)); // the three wait 100 ms on the supervisor's clock
        probe.Open();
        TaskHandle.WaitCompleted([blocker, low, .. high], Probe.Patience);
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Ended == 4, "the four tasks gave their slots back");

        var done = supervisor.GetInfo().Thread;
        Assert.Equal([0, 0, 0], done.QueuedByPriority);
        var waits = done.QueueWaits.Since(full.QueueWaits);
        Assert.Equal(3, waits.Count);
        Assert.InRange(waits.Percentile(0.5), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(125));
        Assert.Equal(TimeSpan.Zero, done.QueueWaits.Percentile(0.25)); // the blocker's 0 is the lowest quarter
        supervisor.Stop();
    }

    [Fact]
    public void A_histogram_rounds_a_wait_up_by_at_most_a_quarter_and_refuses_a_bad_fraction()
    {
        var supervisor = new TaskSupervisor("snapshot-histogram");
        var empty = supervisor.GetInfo().Thread.QueueWaits;
        Assert.Equal(TimeSpan.Zero, empty.Percentile(0.99));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => empty.Percentile(0));
        Assert.Contains("(0, 1]", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.Percentile(1.5));

        for (long ticks = 1; ticks < long.MaxValue / 4; ticks = (ticks * 3) + 1)
        {
            int bucket = QueueWaitHistogram.BucketOf(ticks);
            Assert.InRange(bucket, 1, QueueWaitHistogram.BucketCount - 1);
            Assert.True(bucket >= QueueWaitHistogram.BucketOf(ticks - 1), $"buckets grow with the wait ({ticks})");
        }
        supervisor.Stop();
    }

    [Fact]
    public async Task GetTasks_lists_the_unfinished_tasks_and_GetWorkers_the_started_workers_with_their_schedule()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var supervisor = new TaskSupervisor("snapshot-lists", time);
        using var probe = new Probe();
        var running = supervisor.Submit(probe.Blocking("running"), supervisor.With(name: "running"));
        probe.WaitForStarts(1);
        var delayed = supervisor.Submit(() => 1, new TaskOptions { Name = "later", Delay = TimeSpan.FromHours(1) });

        Assert.Equal(["later", "running"], supervisor.GetTasks().Select(t => t.Name).Order());

        var poller = new IntervalWorker("poller", _ => { }) { Interval = TimeSpan.FromMinutes(5), Priority = TaskPriority.Low };
        poller.Start(supervisor);
        Supervisors.Eventually(() => poller.Executions == 1, "the first interval execution ran");
        Assert.Same(poller, Assert.Single(supervisor.GetWorkers()));
        var info = poller.GetInfo();
        Assert.Equal((WorkerType.Interval, TaskPriority.Low, TaskKind.Thread), (info.Type, info.Priority, info.Kind));
        Assert.Equal(time.GetUtcNow().AddMinutes(5), info.NextRun);

        await poller.StopAsync();
        Assert.Null(poller.GetInfo().NextRun);
        Assert.Empty(supervisor.GetWorkers());
        delayed.Cancel();
        probe.Open();
        await running;
        Supervisors.Eventually(() => supervisor.GetTasks().Count == 0, "finished tasks are forgotten");
        supervisor.Stop();
    }

    [Fact]
    public async Task A_loop_counts_its_unfinished_async_tasks()
    {
        var supervisor = new TaskSupervisor("loops");
        var loop = supervisor.CreateLoop("io");
        var release = new TaskCompletionSource();
        var handles = Enumerable.Range(0, 3).Select(_ => supervisor.SubmitAsync(() => release.Task, new TaskOptions { Loop = "io" })).ToArray();

        Assert.Equal(3, loop.TaskCount);
        release.SetResult();
        foreach (var handle in handles)
        {
            await handle;
        }

        Supervisors.Eventually(() => loop.TaskCount == 0, "the loop let go of its ended tasks");
        await supervisor.StopAsync();
    }
}
