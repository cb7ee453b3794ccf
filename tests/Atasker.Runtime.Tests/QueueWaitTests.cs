namespace Atasker.Runtime.Tests;

public sealed class QueueWaitTests
{
    [Fact]
    public void A_long_queue_wait_is_reported_as_warning_then_critical_and_the_task_still_runs()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.TimeoutWarning = TimeSpan.FromMilliseconds(50);
        supervisor.TimeoutCritical = TimeSpan.FromMilliseconds(150);
        var reports = new List<QueueWaitEventArgs>();
        var bothReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        supervisor.QueueWaitExceeded += (_, args) => throw new InvalidOperationException("a broken observer");
        supervisor.QueueWaitExceeded += (sender, args) =>
        {
            Assert.Same(supervisor, sender);
            lock (reports)
            {
                reports.Add(args);
                if (reports.Count == 2)
                {
                    bothReported.TrySetResult();
                }
            }
        };

        supervisor.Submit(probe.Blocking("blocker"));
        var waiting = supervisor.Submit(probe.Quick("waiting"), new TaskOptions { Name = "waiting" });
        probe.WaitForStarts(1);

        Assert.True(bothReported.Task.Wait(Probe.Patience));
        Assert.Equal([QueueWaitLevel.Warning, QueueWaitLevel.Critical], reports.Select(r => r.Level));
        Assert.All(reports, report => Assert.Same(waiting, report.Handle));
        Assert.All(reports, report => Assert.Equal("thread", report.Pool));
        Assert.True(reports[0].Waited >= TimeSpan.FromMilliseconds(50));
        Assert.True(reports[1].Waited >= TimeSpan.FromMilliseconds(150));
        Assert.Equal(TaskState.Queued, waiting.State);

        probe.Open();
        Assert.Equal("waiting", waiting.Wait(Probe.Patience));
        supervisor.Stop();
        Assert.Equal(2, reports.Count);
    }

    [Fact]
    public void Every_waiting_task_is_reported_once_in_the_order_it_queued()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.TimeoutWarning = TimeSpan.FromMilliseconds(30);
        supervisor.TimeoutCritical = Timeout.InfiniteTimeSpan;
        var reported = new List<string>();
        var allReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        supervisor.QueueWaitExceeded += (_, args) =>
        {
            lock (reported)
            {
                reported.Add(args.Handle.Name);
                if (reported.Count == 5)
                {
                    allReported.TrySetResult();
                }
            }
        };

        supervisor.Submit(probe.Blocking("blocker"));
        var waiting = Enumerable.Range(0, 5).Select(i => supervisor.Submit(() => i, new TaskOptions { Name = $"w{i}", Priority = TaskPriority.Low })).ToList();

        Assert.True(allReported.Task.Wait(Probe.Patience));
        Assert.Equal(["w0", "w1", "w2", "w3", "w4"], reported);
        probe.Open();
        TaskHandle.WaitCompleted(waiting, Probe.Patience);
        supervisor.Stop();
        Assert.Equal(5, reported.Count);
    }

    [Fact]
    public void Thresholds_must_be_positive_or_infinite()
    {
        var supervisor = new TaskSupervisor("thresholds");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.TimeoutWarning = TimeSpan.Zero);
        Assert.Equal("TimeoutWarning", error.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.TimeoutCritical = TimeSpan.FromSeconds(-1));
        supervisor.TimeoutCritical = Timeout.InfiniteTimeSpan;
        Assert.Equal(TimeSpan.FromSeconds(5), supervisor.TimeoutWarning);
    }
}
