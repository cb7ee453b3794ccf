namespace Atasker.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public void A_supervisor_starts_by_itself_on_its_first_submission()
    {
        var supervisor = new TaskSupervisor();
        Assert.False(supervisor.IsActive);

        var handle = supervisor.Submit(() => 7);

        Assert.True(supervisor.IsActive);
        Assert.Equal(7, handle.Wait(Probe.Patience));
        supervisor.Stop();
        Assert.False(supervisor.IsActive);
    }

    [Fact]
    public void Stop_with_wait_runs_everything_already_queued_before_it_returns()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(2);
        var blockers = Enumerable.Range(0, 2).Select(i => supervisor.Submit(probe.Blocking($"b{i}"))).ToList();
        int ran = 0;
        var queued = Enumerable.Range(0, 50).Select(_ => supervisor.Submit(() => Interlocked.Increment(ref ran))).ToList();
        probe.WaitForStarts(2);

        var stopping = supervisor.StopAsync(wait: true);
        Assert.False(stopping.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => supervisor.Submit(() => 0));

        probe.Open();
        Assert.True(stopping.Wait(Probe.Patience));
        Assert.Equal(50, ran);
        Assert.All(blockers.Concat<TaskHandle>(queued), handle => Assert.Equal(TaskState.Completed, handle.State));
        Assert.Equal((0, 0), (supervisor.GetInfo().Thread.Active, supervisor.GetInfo().Thread.Queued));
    }

    [Fact]
    public void Stop_with_cancel_cancels_queued_and_delayed_tasks_and_signals_running_ones()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var running = supervisor.Submit(probe.Blocking("running"));
        int ran = 0;
        var queued = Enumerable.Range(0, 10).Select(_ => supervisor.Submit(() => Interlocked.Increment(ref ran))).ToList();
        var delayed = supervisor.Submit(() => Interlocked.Increment(ref ran), new TaskOptions { Delay = TimeSpan.FromHours(1) });
        probe.WaitForStarts(1);

        supervisor.Stop(wait: true, cancelTasks: true);

        Assert.Equal(TaskState.Canceled, running.State);
        Assert.All(queued, handle => Assert.Equal(TaskState.Canceled, handle.State));
        Assert.Equal(TaskState.Canceled, delayed.State);
        Assert.Equal(0, ran);
        Assert.Throws<OperationCanceledException>(() => running.Wait());
    }

    [Fact]
    public void Stop_without_wait_returns_at_once_and_every_handle_still_ends()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var stubborn = supervisor.Submit(_ => probe.Blocking("stubborn")(CancellationToken.None));
        var queued = supervisor.Submit(() => 1);
        probe.WaitForStarts(1);

        supervisor.Stop(wait: false, cancelTasks: true);

        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Equal(TaskState.Started, stubborn.State);
        var blocked = Task.Run(supervisor.Block);
        Assert.False(blocked.IsCompleted);

        probe.Open();
        Assert.True(blocked.Wait(Probe.Patience));
        Assert.Equal(TaskState.Completed, stubborn.State);
    }

    [Fact]
    public void Stop_is_idempotent_and_a_second_call_may_add_cancellation()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var running = supervisor.Submit(probe.Blocking("running"));
        var queued = supervisor.Submit(() => 1);
        probe.WaitForStarts(1);

        var first = supervisor.StopAsync();
        var second = supervisor.StopAsync();
        Assert.False(first.IsCompleted);
        Assert.Same(first, second);

        supervisor.Stop(wait: true, cancelTasks: true);
        Assert.True(first.IsCompletedSuccessfully);
        Assert.Equal(TaskState.Canceled, running.State);
        Assert.Equal(TaskState.Canceled, queued.State);
        supervisor.Stop();
        supervisor.Stop(wait: false, cancelTasks: true);
    }

    [Fact]
    public void Submitting_after_stop_names_the_supervisor_until_it_is_started_again()
    {
        var supervisor = new TaskSupervisor("reports");
        supervisor.Submit(() => 1).Wait();
        supervisor.Stop();

        var error = Assert.Throws<InvalidOperationException>(() => supervisor.Submit(() => 2, new TaskOptions { Name = "late" }));
        Assert.Contains("'reports'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'late'", error.Message, StringComparison.Ordinal);

        supervisor.Start();
        Assert.Equal(3, supervisor.Submit(() => 3).Wait(Probe.Patience));
        supervisor.Stop();
    }

    [Fact]
    public void A_supervisor_stopped_before_it_started_refuses_work_until_started()
    {
        var supervisor = new TaskSupervisor();
        supervisor.Stop();

        Assert.Throws<InvalidOperationException>(() => supervisor.Submit(() => 1));
        supervisor.Block();
        supervisor.Start();
        Assert.Equal(1, supervisor.Submit(() => 1).Wait(Probe.Patience));
        supervisor.Stop();
    }

    [Fact]
    public void Start_during_a_stop_is_refused_with_a_clear_error()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.Submit(probe.Blocking("running"));
        probe.WaitForStarts(1);
        var stopping = supervisor.StopAsync();

        var error = Assert.Throws<InvalidOperationException>(supervisor.Start);
        Assert.Contains("stopping", error.Message, StringComparison.Ordinal);

        probe.Open();
        Assert.True(stopping.Wait(Probe.Patience));
    }

    [Fact]
    public void Block_returns_once_another_thread_has_stopped_the_supervisor()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var handle = supervisor.Submit(probe.Blocking("running"));
        probe.WaitForStarts(1);
        var blocked = Task.Factory.StartNew(supervisor.Block, TaskCreationOptions.LongRunning);

        supervisor.Stop(wait: false);
        Assert.False(blocked.IsCompleted);
        probe.Open();

        Assert.True(blocked.Wait(Probe.Patience));
        Assert.Equal(TaskState.Completed, handle.State);
    }

    [Fact]
    public void Stop_with_wait_from_one_of_its_own_tasks_is_refused_instead_of_deadlocking()
    {
        var supervisor = new TaskSupervisor();

        var selfStop = supervisor.Submit(() => supervisor.Stop(wait: true));
        var selfBlock = supervisor.Submit(supervisor.Block);

        Assert.Throws<InvalidOperationException>(() => selfStop.Wait(Probe.Patience));
        Assert.Throws<InvalidOperationException>(() => selfBlock.Wait(Probe.Patience));
        var stopFromInside = supervisor.Submit(() => supervisor.Stop(wait: false));
        supervisor.Block();
        Assert.Equal(TaskState.Completed, stopFromInside.State);
    }

    [Fact]
    public async Task Dispose_drains_and_the_supervisor_cannot_be_started_again()
    {
        var supervisor = new TaskSupervisor();
        var handle = supervisor.Submit(() => 5);

        await supervisor.DisposeAsync();

        Assert.Equal(TaskState.Completed, handle.State);
        Assert.Throws<ObjectDisposedException>(supervisor.Start);
        Assert.ThrowsAny<InvalidOperationException>(() => supervisor.Submit(() => 1)); // ObjectDisposedException, naming it
    }

    [Fact]
    public void The_default_supervisor_is_named_default()
    {
        Assert.Equal("default", TaskSupervisor.Default.Id);
        Assert.Same(TaskSupervisor.Default, TaskSupervisor.Default);
        Assert.Throws<ArgumentException>(() => new TaskSupervisor(" "));
    }
}
