namespace Atasker.Runtime.Tests;

public sealed class AdmissionTests
{
    [Fact]
    public void Worked_example_of_the_reserve_model_runs_2_then_3_then_4_then_6()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(2, 1, 1);
        var handles = new List<TaskHandle<string>>();
        void Submit(TaskPriority priority, int count)
        {
            for (int i = 0; i < count; i++)
            {
                var name = $"{priority}{i}";
                handles.Add(supervisor.Submit(probe.Blocking(name), new TaskOptions { Priority = priority, Name = name }));
            }
        }

        Submit(TaskPriority.Low, 5);
        Assert.Equal((2, 3), ActiveAndQueued(supervisor));
        probe.WaitForStarts(2);
        AssertStarted(probe, "Low0", "Low1");

        Submit(TaskPriority.Normal, 3);
        Assert.Equal((3, 5), ActiveAndQueued(supervisor));
        probe.WaitForStarts(3);
        AssertStarted(probe, "Low0", "Low1", "Normal0");

        Submit(TaskPriority.High, 3);
        Assert.Equal((4, 7), ActiveAndQueued(supervisor));
        probe.WaitForStarts(4);
        AssertStarted(probe, "Low0", "Low1", "Normal0", "High0");

        Submit(TaskPriority.Critical, 2);
        Assert.Equal((6, 7), ActiveAndQueued(supervisor));
        probe.WaitForStarts(6);
        AssertStarted(probe, "Low0", "Low1", "Normal0", "High0", "Critical0", "Critical1");
        Assert.All(handles.Where(h => !probe.Started.Contains(h.Name)), h => Assert.Equal(TaskState.Queued, h.State));

        probe.Open();
        TaskHandle.WaitCompleted(handles, Probe.Patience);
        Assert.Equal((0, 0), ActiveAndQueued(supervisor));
        supervisor.Stop();
    }

    [Fact]
    public void Waiting_tasks_start_in_strict_priority_order_and_fifo_within_a_priority()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var blocker = supervisor.Submit(probe.Blocking("blocker"));
        probe.WaitForStarts(1);

        var order = new[] { ("L1", TaskPriority.Low), ("N1", TaskPriority.Normal), ("H1", TaskPriority.High), ("L2", TaskPriority.Low), ("N2", TaskPriority.Normal), ("H2", TaskPriority.High), ("L3", TaskPriority.Low) };
        var handles = order.Select(item => supervisor.Submit(probe.Quick(item.Item1), new TaskOptions { Priority = item.Item2 })).ToList();
        Assert.All(handles, handle => Assert.Equal(TaskState.Queued, handle.State));

        probe.Open();
        TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.Equal(["blocker", "H1", "H2", "N1", "N2", "L1", "L2", "L3"], probe.Started);
        supervisor.Stop();
    }

    [Fact]
    public void Each_priority_may_use_its_reserves_and_no_more()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1, 1, 1);

        supervisor.Submit(probe.Blocking("low-runs"), new TaskOptions { Priority = TaskPriority.Low });
        var lowWaits = supervisor.Submit(probe.Blocking("low-waits"), new TaskOptions { Priority = TaskPriority.Low });
        supervisor.Submit(probe.Blocking("normal-runs"), new TaskOptions { Priority = TaskPriority.Normal });
        var normalWaits = supervisor.Submit(probe.Blocking("normal-waits"), new TaskOptions { Priority = TaskPriority.Normal });
        supervisor.Submit(probe.Blocking("high-runs"), new TaskOptions { Priority = TaskPriority.High });
        var highWaits = supervisor.Submit(probe.Blocking("high-waits"), new TaskOptions { Priority = TaskPriority.High });

        probe.WaitForStarts(3);
        Assert.Equal((3, 3), ActiveAndQueued(supervisor));
        AssertStarted(probe, "low-runs", "normal-runs", "high-runs");
        Assert.All(new TaskHandle[] { lowWaits, normalWaits, highWaits }, handle => Assert.Equal(TaskState.Queued, handle.State));

        probe.Open();
        supervisor.Stop();
        Assert.Equal(TaskState.Completed, lowWaits.State);
    }

    [Fact]
    public void A_critical_task_starts_at_once_in_a_full_pool_and_counts_as_active()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.Submit(probe.Blocking("blocker"), new TaskOptions { Priority = TaskPriority.High });
        var queued = supervisor.Submit(probe.Blocking("queued"), new TaskOptions { Priority = TaskPriority.High });
        probe.WaitForStarts(1);

        var critical = supervisor.Submit(_ => 42, new TaskOptions { Priority = TaskPriority.Critical });

        Assert.Equal(42, critical.Wait(Probe.Patience));
        Assert.Equal(TaskState.Queued, queued.State);
        probe.Open();
        supervisor.Stop();
    }

    [Fact]
    public void A_running_critical_task_holds_a_slot_that_others_wait_for()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.Submit(probe.Blocking("critical"), new TaskOptions { Priority = TaskPriority.Critical });
        probe.WaitForStarts(1);

        var high = supervisor.Submit(probe.Quick("high"), new TaskOptions { Priority = TaskPriority.High });

        Assert.Equal(TaskState.Queued, high.State);
        Assert.Equal((1, 1), ActiveAndQueued(supervisor));
        probe.Open();
        high.Wait(Probe.Patience);
        supervisor.Stop();
    }

    [Fact]
    public void Raising_the_limits_starts_waiting_tasks_at_once_and_lowering_them_preempts_nothing()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        var handles = Enumerable.Range(0, 4).Select(i => supervisor.Submit(probe.Blocking($"t{i}"))).ToList();
        probe.WaitForStarts(1);
        Assert.Equal((1, 3), ActiveAndQueued(supervisor));

        supervisor.SetThreadPool(4);
        probe.WaitForStarts(4);
        Assert.Equal((4, 0), ActiveAndQueued(supervisor));

        supervisor.SetThreadPool(1);
        var late = supervisor.Submit(probe.Quick("late"), new TaskOptions { Priority = TaskPriority.Low });
        Assert.Equal((4, 1), ActiveAndQueued(supervisor));
        Assert.Equal(TaskState.Queued, late.State);
        Assert.All(handles, handle => Assert.Equal(TaskState.Started, handle.State));

        probe.Open();
        late.Wait(Probe.Patience);
        supervisor.Stop();
    }

    [Fact]
    public void A_pool_size_of_zero_admits_every_task()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(0, 0, 0);

        var handles = Enumerable.Range(0, 20).Select(i => supervisor.Submit(probe.Blocking($"t{i}"), new TaskOptions { Priority = TaskPriority.Low })).ToList();

        probe.WaitForStarts(20);
        Assert.Equal((20, 0), ActiveAndQueued(supervisor));
        probe.Open();
        supervisor.Stop();
        Assert.All(handles, handle => Assert.Equal(TaskState.Completed, handle.State));
    }

    [Fact]
    public void A_freed_slot_is_handed_to_the_next_task_without_delay()
    {
        var supervisor = Supervisors.Create(1);
        var handles = Enumerable.Range(0, 2000).Select(i => supervisor.Submit(_ => i)).ToList();

        var results = TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.Equal(Enumerable.Range(0, 2000), results);
        supervisor.Stop();
    }

    [Fact]
    public void Bad_limits_are_rejected_naming_the_argument()
    {
        var supervisor = new TaskSupervisor("limits");

        var size = Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetThreadPool(-1));
        var normal = Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetThreadPool(1, -1));
        var high = Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetThreadPool(1, 0, -2));
        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetAsyncPool(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetProcessPool(0, -1));

        Assert.Equal("poolSize", size.ParamName);
        Assert.Equal("reserveNormal", normal.ParamName);
        Assert.Equal("reserveHigh", high.ParamName);
        Assert.Contains("'limits'", size.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoolLimits(-3));
    }

    [Fact]
    public void Pool_info_reports_limits_and_defaults()
    {
        var supervisor = new TaskSupervisor();
        var info = supervisor.GetInfo();

        Assert.Equal(new PoolLimits(Environment.ProcessorCount * 5, 5, 5), info.Thread.Limits);
        Assert.True(info.Async.Limits.IsUnlimited);
        Assert.Equal(new PoolLimits(Environment.ProcessorCount), info.Process.Limits);

        supervisor.SetAsyncPool(3, 2, 1);
        Assert.Equal(new PoolLimits(3, 2, 1), supervisor.GetInfo().Async.Limits);
    }

    [Fact]
    public void High_tasks_fill_the_pool_and_the_high_reserve_at_once()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(2, reserveNormal: 0, reserveHigh: 1);
        var handles = Enumerable.Range(0, 4)
            .Select(i => supervisor.Submit(probe.Blocking($"High{i}"), supervisor.With(TaskPriority.High, $"High{i}")))
            .ToList();

        probe.WaitForStarts(3);
        Assert.Equal((3, 1), ActiveAndQueued(supervisor));
        AssertStarted(probe, "High0", "High1", "High2");
        Assert.Equal(TaskState.Queued, handles[3].State);

        probe.Open();
        TaskHandle.WaitCompleted(handles, Probe.Patience);
        supervisor.Stop();
    }

    private static void AssertStarted(Probe probe, params string[] names) =>
        Assert.Equal(names.Order(), probe.Started.Order());

    private static (int Active, int Queued) ActiveAndQueued(TaskSupervisor supervisor)
    {
        var info = supervisor.GetInfo().Thread;
        return (info.Active, info.Queued);
    }
}
