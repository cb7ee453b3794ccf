using System.Collections.Concurrent;

namespace Atasker.Runtime.Tests;

public sealed class AsyncTaskTests
{
    [Fact]
    public async Task An_async_failure_faults_the_handle_with_the_original_exception()
    {
        await using var supervisor = new TaskSupervisor();

        var afterAwait = supervisor.SubmitAsync<int>(async () =>
        {
            await Task.Yield();
            throw new InvalidDataException("late");
        });
        var beforeAwait = supervisor.SubmitAsync<int>(() => throw new InvalidDataException("early"));
        var nullTask = supervisor.SubmitAsync(() => (Task)null!);

        Assert.Equal("late", (await Assert.ThrowsAsync<InvalidDataException>(async () => await afterAwait)).Message);
        Assert.Equal("early", Assert.Throws<InvalidDataException>(() => beforeAwait.Wait(Probe.Patience)).Message);
        Assert.Throws<InvalidOperationException>(() => nullTask.Wait(Probe.Patience));
        Assert.Equal(TaskState.Faulted, afterAwait.State);
        Assert.IsType<InvalidDataException>(afterAwait.Exception);
    }

    [Fact]
    public async Task Cancel_reaches_a_running_async_body_through_its_token()
    {
        await using var supervisor = new TaskSupervisor();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = supervisor.SubmitAsync(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        });
        await started.Task.WaitAsync(Probe.Patience);

        Assert.False(handle.Cancel());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await handle);
        Assert.Equal(TaskState.Canceled, handle.State);
        Assert.NotNull(handle.StartedAt);
    }

    [Fact]
    public async Task The_callers_token_cancels_an_async_task()
    {
        await using var supervisor = new TaskSupervisor();
        using var source = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handle = supervisor.SubmitAsync(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }, new TaskOptions { CancellationToken = source.Token });
        await started.Task.WaitAsync(Probe.Patience);

        await source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await handle);
        Assert.Equal(TaskState.Canceled, handle.State);
    }

    [Fact]
    public async Task A_delayed_async_task_holds_no_slot_until_its_delay_passes()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1);
        var handle = supervisor.SubmitAsync(() => Task.FromResult(1), new TaskOptions { Delay = TimeSpan.FromMilliseconds(50) });

        Assert.Equal(TaskState.Delayed, handle.State);
        Assert.Equal(0, supervisor.GetInfo().Async.Active);
        Assert.Equal(1, await handle);
        Assert.True(handle.StartedAt >= handle.QueuedAt + TimeSpan.FromMilliseconds(40));
    }

    [Fact]
    public async Task The_async_pool_counts_running_bodies_and_admits_by_priority()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1, 1, 0);
        var order = new ConcurrentQueue<string>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskHandle Submit(string name, TaskPriority priority, Task wait) => supervisor.SubmitAsync(async () =>
        {
            order.Enqueue(name);
            await wait;
        }, new TaskOptions { Priority = priority, Name = name });

        var first = Submit("low-blocker", TaskPriority.Low, release.Task);
        Supervisors.Eventually(() => first.State == TaskState.Started, "the blocker started");
        var low = Submit("low", TaskPriority.Low, Task.CompletedTask);
        var normal = Submit("normal", TaskPriority.Normal, release.Task); // takes the normal reserve
        Supervisors.Eventually(() => normal.State == TaskState.Started, "the normal task started");
        var high = Submit("high", TaskPriority.High, Task.CompletedTask);
        var normal2 = Submit("normal2", TaskPriority.Normal, Task.CompletedTask);

        var info = supervisor.GetInfo().Async;
        Assert.Equal(new PoolLimits(1, 1, 0), info.Limits);
        Assert.Equal((2, 3), (info.Active, info.Queued));
        Assert.Equal(TaskState.Queued, low.State);

        release.SetResult();
        TaskHandle.WaitCompleted([first, low, normal, high, normal2], Probe.Patience);

        Assert.Equal(["low-blocker", "normal", "high", "normal2", "low"], order);
        Assert.Equal(TaskKind.Async, high.Kind);
    }

    [Fact]
    public async Task A_critical_async_task_starts_at_once_in_a_full_pool()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = supervisor.SubmitAsync(() => release.Task);
        var queued = supervisor.SubmitAsync(() => Task.CompletedTask);

        var critical = supervisor.SubmitAsync(() => Task.FromResult("now"), new TaskOptions { Priority = TaskPriority.Critical });

        Assert.Equal("now", await critical.Completion.WaitAsync(Probe.Patience));
        Assert.Equal(TaskState.Queued, queued.State);
        release.SetResult();
        await queued.Completion.WaitAsync(Probe.Patience);
        Assert.Equal(TaskState.Completed, blocker.State);
    }

    [Fact]
    public async Task Lowering_the_async_pool_live_holds_new_work_and_raising_it_admits_at_once()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = supervisor.SubmitAsync(() => release.Task);
        var waiting = supervisor.SubmitAsync(() => Task.FromResult(2));
        Assert.Equal(TaskState.Queued, waiting.State);

        supervisor.SetAsyncPool(0);

        Assert.Equal(2, await waiting.Completion.WaitAsync(Probe.Patience));
        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetAsyncPool(-1));
        release.SetResult();
        await blocker;
    }

    [Fact]
    public async Task A_queued_async_task_canceled_before_it_starts_never_runs()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocker = supervisor.SubmitAsync(() => release.Task);
        bool ran = false;
        var queued = supervisor.SubmitAsync(() =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.True(queued.Cancel());
        Assert.Null(supervisor.GetTask(queued.Id));
        release.SetResult();
        await blocker;

        Assert.False(ran);
        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Equal((0, 0), (supervisor.GetInfo().Async.Active, supervisor.GetInfo().Async.Queued));
    }

    [Fact]
    public void Submitting_async_work_to_a_stopped_supervisor_names_it()
    {
        var supervisor = new TaskSupervisor("gone");
        supervisor.Stop();

        var error = Assert.Throws<InvalidOperationException>(() => supervisor.SubmitAsync(() => Task.FromResult(1), new TaskOptions { Name = "late" }));

        Assert.Contains("'gone'", error.Message);
        Assert.Throws<ArgumentNullException>(() => supervisor.SubmitAsync((Func<Task>)null!));
    }
}
