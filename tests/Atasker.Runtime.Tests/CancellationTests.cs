namespace Atasker.Runtime.Tests;

public sealed class CancellationTests
{
    [Fact]
    public async Task Canceling_a_queued_task_means_it_never_runs()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        _ = supervisor.Submit(probe.Blocking("blocker"));
        bool ran = false;
        var queued = supervisor.Submit(() => ran = true);
        probe.WaitForStarts(1);

        Assert.True(queued.Cancel());
        Assert.False(queued.Cancel());

        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Equal((1, 0), (supervisor.GetInfo().Thread.Active, supervisor.GetInfo().Thread.Queued));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queued);
        Assert.Throws<OperationCanceledException>(() => queued.Result);
        Assert.True(queued.Completion.IsCanceled);
        Assert.NotNull(queued.CompletedAt);
        Assert.Null(supervisor.GetTask(queued.Id));
        probe.Open();
        supervisor.Stop();
        Assert.False(ran);
    }

    [Fact]
    public async Task Canceling_a_running_task_signals_its_token_and_it_ends_canceled()
    {
        var supervisor = new TaskSupervisor();
        using var started = new ManualResetEventSlim();
        var running = supervisor.Submit(token =>
        {
            started.Set();
            token.WaitHandle.WaitOne();
            token.ThrowIfCancellationRequested();
            return 0;
        });
        Assert.True(started.Wait(Probe.Patience));

        Assert.False(running.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await running);
        Assert.Equal(TaskState.Canceled, running.State);
        Assert.Null(running.Exception);
        supervisor.Stop();
    }

    [Fact]
    public void A_running_task_that_ignores_its_token_completes()
    {
        var supervisor = new TaskSupervisor();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var running = supervisor.Submit(token =>
        {
            started.Set();
            release.Wait(Probe.Patience);
            return token.IsCancellationRequested;
        });
        Assert.True(started.Wait(Probe.Patience));

        running.Cancel();
        release.Set();

        Assert.True(running.Wait(Probe.Patience));
        Assert.Equal(TaskState.Completed, running.State);
        supervisor.Stop();
    }

    [Fact]
    public void A_canceled_caller_token_cancels_a_queued_task_and_an_already_canceled_one_never_queues()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        _ = supervisor.Submit(probe.Blocking("blocker"));
        probe.WaitForStarts(1);
        using var source = new CancellationTokenSource();
        var queued = supervisor.Submit(() => 1, new TaskOptions { CancellationToken = source.Token });
        var stillborn = supervisor.Submit(() => 2, new TaskOptions { CancellationToken = new CancellationToken(canceled: true) });

        Assert.Equal(TaskState.Canceled, stillborn.State);
        Assert.Equal(TaskState.Queued, queued.State);
        source.Cancel();

        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Equal(0, supervisor.GetInfo().Thread.Queued);
        probe.Open();
        supervisor.Stop();
    }

    [Fact]
    public void A_caller_token_reaches_the_body_of_a_running_task()
    {
        var supervisor = new TaskSupervisor();
        using var started = new ManualResetEventSlim();
        using var source = new CancellationTokenSource();
        var running = supervisor.Submit(token =>
        {
            started.Set();
            return token.WaitHandle.WaitOne(Probe.Patience);
        }, new TaskOptions { CancellationToken = source.Token });
        Assert.True(started.Wait(Probe.Patience));

        source.Cancel();

        Assert.True(running.Wait(Probe.Patience));
        supervisor.Stop();
    }

    [Fact]
    public void Cancel_races_with_admission_and_start_and_every_task_ends_exactly_once()
    {
        var supervisor = Supervisors.Create(2, 1, 1);
        const int count = 20_000;
        var runs = new int[count];
        var canceledBeforeRun = new bool[count];
        var handles = new TaskHandle[count];
        using var ready = new Barrier(2);

        var canceller = Task.Factory.StartNew(() =>
        {
            ready.SignalAndWait();
            for (int i = 0; i < count; i += 2)
            {
                SpinWait.SpinUntil(() => Volatile.Read(ref handles[i]) is not null);
                canceledBeforeRun[i] = handles[i].Cancel();
            }
        }, TaskCreationOptions.LongRunning);

        ready.SignalAndWait();
        for (int i = 0; i < count; i++)
        {
            int index = i;
            Volatile.Write(ref handles[i], supervisor.Submit(() => Interlocked.Increment(ref runs[index]), new TaskOptions { Priority = (TaskPriority)(i % 4) }));
        }

        Assert.True(canceller.Wait(Probe.Patience));
        Assert.True(Task.WhenAll(handles.Select(h => h.Completion.ContinueWith(_ => { }, TaskScheduler.Default))).Wait(Probe.Patience));

        for (int i = 0; i < count; i++)
        {
            Assert.InRange(runs[i], 0, 1);
            Assert.Equal(runs[i] == 1 ? TaskState.Completed : TaskState.Canceled, handles[i].State);
            if (canceledBeforeRun[i])
            {
                Assert.Equal(0, runs[i]);
            }
        }

        Assert.Equal((0, 0), (supervisor.GetInfo().Thread.Active, supervisor.GetInfo().Thread.Queued));
        supervisor.Stop();
    }
}
