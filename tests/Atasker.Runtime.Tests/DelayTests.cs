namespace Atasker.Runtime.Tests;

public sealed class DelayTests
{
    [Fact]
    public void A_delayed_task_holds_no_slot_until_its_delay_has_passed()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var delayed = supervisor.Submit(probe.Quick("delayed"), new TaskOptions { Delay = TimeSpan.FromMilliseconds(300) });

        Assert.Equal(TaskState.Delayed, delayed.State);
        var immediate = supervisor.Submit(probe.Blocking("immediate"));
        probe.WaitForStarts(1);
        Assert.Equal((1, 0), (supervisor.GetInfo().Thread.Active, supervisor.GetInfo().Thread.Queued));

        Supervisors.Eventually(() => delayed.State == TaskState.Queued, "the delay passed and the task queued behind the running one");
        Assert.Equal(1, supervisor.GetInfo().Thread.Queued);

        probe.Open();
        delayed.Wait(Probe.Patience);
        Assert.Equal(["immediate", "delayed"], probe.Started);
        Assert.True(delayed.StartedAt - delayed.QueuedAt >= TimeSpan.FromMilliseconds(290));
        Assert.Equal(TaskState.Completed, immediate.State);
        supervisor.Stop();
    }

    [Fact]
    public void Canceling_a_delayed_task_ends_it_at_once_and_it_never_runs()
    {
        var supervisor = new TaskSupervisor();
        bool ran = false;
        var delayed = supervisor.Submit(() => ran = true, new TaskOptions { Delay = TimeSpan.FromMilliseconds(100) });

        Assert.True(delayed.Cancel());

        Assert.Equal(TaskState.Canceled, delayed.State);
        Assert.Throws<OperationCanceledException>(() => delayed.Wait());
        var later = supervisor.Submit(() => true, new TaskOptions { Delay = TimeSpan.FromMilliseconds(200) });
        Assert.True(later.Wait(Probe.Patience));
        Assert.False(ran);
        supervisor.Stop();
    }

    [Fact]
    public void Stop_with_wait_runs_delayed_tasks_after_their_delay()
    {
        var supervisor = new TaskSupervisor();
        var delayed = supervisor.Submit(() => 9, new TaskOptions { Delay = TimeSpan.FromMilliseconds(150) });

        supervisor.Stop(wait: true);

        Assert.Equal(9, delayed.Result);
        Assert.True(delayed.StartedAt - delayed.QueuedAt >= TimeSpan.FromMilliseconds(140));
    }

    [Fact]
    public void Delays_longer_than_the_timers_allow_are_rejected()
    {
        var supervisor = new TaskSupervisor();

        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.Submit(() => 1, new TaskOptions { Delay = TimeSpan.FromDays(60) }));
    }
}
