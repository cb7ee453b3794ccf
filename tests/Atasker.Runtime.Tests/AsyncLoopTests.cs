using System.Collections.Concurrent;

namespace Atasker.Runtime.Tests;

public sealed class AsyncLoopTests
{
    [Fact]
    public async Task Every_continuation_of_several_loop_tasks_runs_on_the_one_loop_thread()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("io");
        var threads = new ConcurrentBag<int>();
        var options = new TaskOptions { Loop = "io" };

        var handles = Enumerable.Range(0, 8).Select(i => supervisor.SubmitAsync(async ct =>
        {
            for (int hop = 0; hop < 25; hop++)
            {
                threads.Add(Environment.CurrentManagedThreadId);
                switch (hop % 3)
                {
                    case 0: await Task.Yield(); break;
                    case 1: await Task.Delay(1, ct); break;
                    default: await Task.Run(() => Thread.SpinWait(100), ct); break;
                }
            }

            threads.Add(Environment.CurrentManagedThreadId);
            return Thread.CurrentThread.Name;
        }, options)).ToList();

        var names = TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.Single(threads.Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, threads.First());
        Assert.All(names, name => Assert.Equal("Atasker loop io", name));
        Assert.All(handles, handle => Assert.Equal(TaskKind.Async, handle.Kind));
    }

    [Fact]
    public async Task Tasks_from_many_producers_each_run_once_on_the_loop()
    {
        await using var supervisor = new TaskSupervisor();
        const int Producers = 4, PerProducer = 500;
        var ran = new ConcurrentDictionary<int, int>();
        var threads = new ConcurrentBag<int>();
        using var barrier = new Barrier(Producers);

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            return Enumerable.Range(0, PerProducer).Select(i => supervisor.SubmitAsync(async () =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                await Task.Yield();
                ran.AddOrUpdate(p * PerProducer + i, 1, (_, count) => count + 1);
                return i;
            })).ToList();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();

        var handles = (await Task.WhenAll(producers)).SelectMany(list => list).ToList();
        TaskHandle.WaitCompleted(handles, Probe.Patience);

        Assert.Equal(Producers * PerProducer, ran.Count);
        Assert.All(ran.Values, count => Assert.Equal(1, count));
        Assert.Single(threads.Distinct());
        Assert.Equal((0, 0), (supervisor.GetInfo().Async.Active, supervisor.GetInfo().Async.Queued));
    }

    [Fact]
    public async Task The_default_loop_is_made_on_demand_and_listed()
    {
        await using var supervisor = new TaskSupervisor();
        Assert.Empty(supervisor.GetInfo().Loops);

        var handle = supervisor.SubmitAsync(() => Task.FromResult(Thread.CurrentThread.Name));

        Assert.Equal("Atasker loop default", await handle);
        Assert.Same(supervisor.GetLoop(), supervisor.GetLoop("default"));
        Assert.Equal("default", supervisor.GetLoop().Name);
        Assert.Equal(["default"], supervisor.GetInfo().Loops);
    }

    [Fact]
    public async Task A_loop_created_as_default_takes_tasks_that_name_no_loop()
    {
        await using var supervisor = new TaskSupervisor();
        var main = supervisor.CreateLoop("main", isDefault: true);

        var name = await supervisor.SubmitAsync(() => Task.FromResult(Thread.CurrentThread.Name));

        Assert.Equal("Atasker loop main", name);
        Assert.Same(main, supervisor.GetLoop());
        Assert.Equal(["main"], supervisor.GetInfo().Loops);
    }

    [Fact]
    public async Task Loop_names_are_checked()
    {
        await using var supervisor = new TaskSupervisor("named");
        supervisor.CreateLoop("io");

        var duplicate = Assert.Throws<ArgumentException>(() => supervisor.CreateLoop("io"));
        Assert.Contains("'io'", duplicate.Message);
        Assert.Contains("'named'", duplicate.Message);
        Assert.Throws<ArgumentException>(() => supervisor.CreateLoop(" "));
        Assert.Throws<ArgumentNullException>(() => supervisor.CreateLoop(null!));

        var missing = Assert.Throws<ArgumentException>(() => supervisor.GetLoop("nope"));
        Assert.Contains("CreateLoop(\"nope\")", missing.Message);
        var submit = Assert.Throws<ArgumentException>(() => supervisor.SubmitAsync(() => Task.CompletedTask, new TaskOptions { Loop = "nope", Name = "fetch" }));
        Assert.Contains("task 'fetch'", submit.Message);
    }

    [Fact]
    public async Task Run_returns_the_result_and_rethrows_the_original_failure()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("run");
        int caller = Environment.CurrentManagedThreadId;

        int ranOn = loop.Run(async () =>
        {
            await Task.Yield();
            return Environment.CurrentManagedThreadId;
        });
        var error = Assert.Throws<FormatException>(() => loop.Run<int>(async () =>
        {
            await Task.Yield();
            throw new FormatException("bad");
        }));
        bool ran = false;
        loop.Run(async () =>
        {
            await Task.Delay(1);
            ran = true;
        });

        Assert.NotEqual(caller, ranOn);
        Assert.Equal("bad", error.Message);
        Assert.True(ran);
        Assert.Throws<InvalidOperationException>(() => loop.Run<int>(() => null!));
        Assert.Throws<NotSupportedException>(() => loop.Run(() => throw new NotSupportedException()));
    }

    [Fact]
    public async Task Run_on_the_loops_own_thread_is_refused_instead_of_deadlocking()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("self");

        string message = loop.Run(() =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => loop.Run(() => Task.FromResult(1)));
            return Task.FromResult(error.Message);
        });

        Assert.Contains("'self'", message);
        Assert.Contains("await the body", message);
    }

    [Fact]
    public async Task Send_from_another_thread_runs_on_the_loop()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("send");
        var context = loop.Run(() => Task.FromResult(SynchronizationContext.Current!));
        int loopThread = loop.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));

        int sentOn = 0;
        context.Send(_ => sentOn = Environment.CurrentManagedThreadId, null);

        Assert.Equal(loopThread, sentOn);
        Assert.Throws<InvalidTimeZoneException>(() => context.Send(_ => throw new InvalidTimeZoneException(), null));
    }

    [Fact]
    public async Task Stop_without_cancel_lets_pending_work_finish_and_then_ends_the_thread()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("work");
        var release = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new CountdownEvent(3);
        var handles = Enumerable.Range(0, 3).Select(i => supervisor.SubmitAsync(async () =>
        {
            started.Signal();
            return await release.Task + i;
        }, new TaskOptions { Loop = "work" })).ToList();
        Assert.True(started.Wait(Probe.Patience));

        loop.Stop(wait: false);

        Assert.False(loop.IsActive);
        Assert.DoesNotContain("work", supervisor.GetInfo().Loops);
        Assert.All(handles, handle => Assert.Equal(TaskState.Started, handle.State));
        release.SetResult(10);
        Assert.Throws<ArgumentException>(() => supervisor.SubmitAsync(() => Task.CompletedTask, new TaskOptions { Loop = "work" }));

        Assert.Equal([10, 11, 12], TaskHandle.WaitCompleted(handles, Probe.Patience));
        var stop = Task.Run(() => loop.Stop(wait: true));
        Assert.True(stop.Wait(Probe.Patience));
        Assert.Throws<InvalidOperationException>(() => loop.Run(() => Task.FromResult(0)));
        supervisor.CreateLoop("work"); // the name is free again
    }

    [Fact]
    public async Task Stop_with_cancel_cancels_queued_and_running_work_and_returns()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.SetAsyncPool(1);
        var loop = supervisor.CreateLoop("cancel");
        var options = new TaskOptions { Loop = "cancel" };
        var running = supervisor.SubmitAsync(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return 1;
        }, options);
        var queued = supervisor.SubmitAsync(() => Task.FromResult(2), options);
        Supervisors.Eventually(() => running.State == TaskState.Started, "the first task started");

        var stop = Task.Run(() => loop.Stop(wait: true, cancelTasks: true));

        Assert.True(stop.Wait(Probe.Patience));
        Assert.Equal(TaskState.Canceled, running.State);
        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Throws<OperationCanceledException>(() => running.Wait());
        Assert.Equal((0, 0), (supervisor.GetInfo().Async.Active, supervisor.GetInfo().Async.Queued));
    }

    [Fact]
    public async Task Stop_with_cancel_abandons_a_body_that_ignores_its_token()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("stubborn");
        var never = new TaskCompletionSource<int>();
        var handle = supervisor.SubmitAsync(() => never.Task, new TaskOptions { Loop = "stubborn" });
        var runStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var runBody = Task.Run(() => loop.Run(() =>
        {
            runStarted.SetResult();
            return never.Task;
        }));
        await runStarted.Task.WaitAsync(Probe.Patience);
        Supervisors.Eventually(() => handle.State == TaskState.Started, "the task started");

        var stop = Task.Run(() => loop.Stop(wait: true, cancelTasks: true));

        Assert.True(stop.Wait(Probe.Patience));
        Assert.Equal(TaskState.Canceled, handle.State);
        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runBody);
        Assert.Contains("'stubborn'", error.Message);

        never.SetResult(5); // a late completion changes nothing
        Assert.Equal(TaskState.Canceled, handle.State);
        Assert.Equal(0, supervisor.GetInfo().Async.Active);
    }

    [Fact]
    public async Task Stop_with_wait_on_the_loops_own_thread_is_refused()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("own");

        var error = loop.Run(() => Task.FromResult(Assert.Throws<InvalidOperationException>(() => loop.Stop(wait: true))));
        var fromTask = await supervisor.SubmitAsync(() => Task.FromResult(Assert.Throws<InvalidOperationException>(() => supervisor.Stop())),
            new TaskOptions { Loop = "own" });

        Assert.Contains("'own'", error.Message);
        Assert.Contains(supervisor.Id, fromTask.Message);
        Assert.True(loop.IsActive);
    }

    [Fact]
    public void Stopping_the_supervisor_stops_its_loops_and_starting_it_runs_them_again()
    {
        var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("again");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = supervisor.SubmitAsync(async () => await release.Task, new TaskOptions { Loop = "again" });

        var stop = supervisor.StopAsync();
        Assert.False(stop.IsCompleted);
        release.SetResult();

        Assert.True(stop.Wait(Probe.Patience));
        Assert.Equal(TaskState.Completed, pending.State);
        Assert.False(loop.IsActive);
        Assert.Throws<InvalidOperationException>(() => supervisor.CreateLoop("other"));

        supervisor.Start();
        Assert.True(loop.IsActive);
        Assert.Equal(3, loop.Run(() => Task.FromResult(3)));
        Assert.Equal(["again"], supervisor.GetInfo().Loops);
        supervisor.Stop();
    }

    [Fact]
    public void Stopping_the_supervisor_with_cancel_never_hangs_on_async_work()
    {
        var supervisor = new TaskSupervisor();
        var handles = new List<TaskHandle>
        {
            supervisor.SubmitAsync(ct => Task.Delay(Timeout.Infinite, ct)),
            supervisor.SubmitAsync(() => new TaskCompletionSource().Task), // ignores cancellation
            supervisor.SubmitAsync(() => Task.CompletedTask, new TaskOptions { Delay = TimeSpan.FromHours(1) }),
        };
        Supervisors.Eventually(() => handles[1].State == TaskState.Started, "the tasks started");

        Assert.True(supervisor.StopAsync(cancelTasks: true).Wait(Probe.Patience));

        Assert.All(handles, handle => Assert.Equal(TaskState.Canceled, handle.State));
        Assert.False(supervisor.GetLoop().IsActive);
    }
}
