using System.Collections.Concurrent;

namespace Atasker.Runtime.Tests;

/// <summary>The behaviour of cf-taskpool's suite and of the concurrent.futures executor tests it came from.</summary>
public sealed class TaskPoolExecutorTests
{
    private static readonly TimeSpan Patience = Probe.Patience;

    private static async Task<int> Multiply(int x, int y)
    {
        await Task.Yield();
        return x * y;
    }

    // ---- submit ----

    [Fact]
    public async Task Submit_returns_the_bodys_result()
    {
        await using var executor = new TaskPoolExecutor(3);

        Assert.Equal(42, await executor.Submit(() => Multiply(6, 7)));
    }

    [Fact]
    public async Task Submit_with_a_token_passes_the_token_to_the_body()
    {
        await using var executor = new TaskPoolExecutor();
        using var source = new CancellationTokenSource();

        var seen = await executor.Submit(ct => Task.FromResult(ct), source.Token);

        Assert.Equal(source.Token, seen);
    }

    [Fact]
    public async Task Submit_of_a_body_without_result_ends_when_the_body_ends()
    {
        await using var executor = new TaskPoolExecutor();
        bool done = false;

        await executor.Submit(async () =>
        {
            await Task.Yield();
            done = true;
        }).WaitAsync(Patience);

        Assert.True(done);
    }

    [Fact]
    public async Task Submit_rejects_a_null_function()
    {
        await using var executor = new TaskPoolExecutor();

        Assert.Throws<ArgumentNullException>(() => { _ = executor.Submit((Func<Task<int>>)null!); });
        Assert.Throws<ArgumentNullException>(() => { _ = executor.Submit((Func<CancellationToken, Task>)null!); });
    }

    [Fact]
    public async Task A_body_returning_a_null_task_faults_its_task()
    {
        await using var executor = new TaskPoolExecutor();

        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.Submit(() => (Task<int>)null!));
    }

    [Fact]
    public async Task Many_submissions_complete_with_their_own_results()
    {
        await using var executor = new TaskPoolExecutor(4);

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => executor.Submit(() => Multiply(i, i))));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i * i), results);
    }

    // ---- exceptions ----

    [Fact]
    public async Task A_failing_body_faults_its_task_with_the_original_exception()
    {
        await using var executor = new TaskPoolExecutor();

        var task = executor.Submit<int>(async () =>
        {
            await Task.Yield();
            throw new ArgumentException("Something went wrong");
        });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => task);
        Assert.Equal("Something went wrong", error.Message);
        Assert.IsType<ArgumentException>(task.Exception!.InnerException);
    }

    [Fact]
    public async Task A_body_that_throws_before_returning_a_task_faults_its_task_not_submit()
    {
        await using var executor = new TaskPoolExecutor();

        var task = executor.Submit(() => throw new InvalidDataException("sync"));

        Assert.Equal("sync", (await Assert.ThrowsAsync<InvalidDataException>(() => task)).Message);
    }

    [Fact]
    public async Task A_failing_body_never_kills_its_worker()
    {
        await using var executor = new TaskPoolExecutor(1);

        var failures = Enumerable.Range(0, 5).Select(_ => executor.Submit<int>(() => throw new InvalidOperationException())).ToList();
        var after = executor.Submit(() => Task.FromResult("still working"));

        Assert.Equal("still working", await after.WaitAsync(Patience));
        Assert.All(failures, failure => Assert.True(failure.IsFaulted));
        Assert.Equal(1, executor.WorkersCreated);
    }

    [Fact]
    public async Task A_body_canceled_from_inside_ends_canceled()
    {
        await using var executor = new TaskPoolExecutor();

        var task = executor.Submit(async () =>
        {
            await Task.Yield();
            throw new OperationCanceledException();
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.True(task.IsCanceled);
    }

    // ---- cancellation ----

    [Fact]
    public async Task Canceling_a_queued_items_token_cancels_it_and_it_never_runs()
    {
        await using var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var source = new CancellationTokenSource();
        bool ran = false;
        var blocker = executor.Submit(() => gate.Task);
        var queued = executor.Submit(_ =>
        {
            ran = true;
            return Task.CompletedTask;
        }, source.Token);

        await source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.WaitAsync(Patience));
        gate.SetResult();
        await blocker;
        await executor.ShutdownAsync();
        Assert.False(ran);
    }

    [Fact]
    public async Task Canceling_a_running_items_token_reaches_the_body()
    {
        await using var executor = new TaskPoolExecutor();
        using var source = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var task = executor.Submit(async ct =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return "never";
        }, source.Token);
        await started.Task.WaitAsync(Patience);

        await source.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Patience));
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public async Task An_item_submitted_with_a_canceled_token_is_canceled_at_once()
    {
        await using var executor = new TaskPoolExecutor(1);
        bool ran = false;

        var task = executor.Submit(_ =>
        {
            ran = true;
            return Task.FromResult(1);
        }, new CancellationToken(canceled: true));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(Patience));
        await executor.ShutdownAsync();
        Assert.False(ran);
    }

    [Fact]
    public async Task A_canceled_queued_item_does_not_disturb_the_order_of_the_others()
    {
        await using var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var order = new ConcurrentQueue<int>();
        using var source = new CancellationTokenSource();
        var blocker = executor.Submit(() => gate.Task);
        var items = Enumerable.Range(0, 6).Select(i => executor.Submit(_ =>
        {
            order.Enqueue(i);
            return Task.CompletedTask;
        }, i == 2 ? source.Token : default)).ToList();

        await source.CancelAsync();
        gate.SetResult();
        await Task.WhenAll(items.Where((_, i) => i != 2)).WaitAsync(Patience);

        Assert.Equal([0, 1, 3, 4, 5], order);
        Assert.True(items[2].IsCanceled);
    }

    // ---- concurrency bound, order, worker reuse ----

    [Fact]
    public async Task Never_more_than_max_workers_bodies_run_at_once()
    {
        await using var executor = new TaskPoolExecutor(3);
        int running = 0, highest = 0;

        await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => executor.Submit(async () =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref highest, now);
            await Task.Delay(1);
            Interlocked.Decrement(ref running);
        }))).WaitAsync(Patience);

        Assert.Equal(3, highest);
    }

    [Fact]
    public async Task With_all_workers_busy_the_next_item_waits_for_one_to_finish()
    {
        await using var executor = new TaskPoolExecutor(2);
        var gates = Enumerable.Range(0, 2).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        using var bothStarted = new CountdownEvent(2);
        var busy = gates.Select(gate => executor.Submit(() =>
        {
            bothStarted.Signal();
            return gate.Task;
        })).ToList();
        var third = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = executor.Submit(() =>
        {
            third.SetResult();
            return Task.CompletedTask;
        });
        Assert.True(bothStarted.Wait(Patience));
        Assert.False(third.Task.IsCompleted);

        gates[1].SetResult();

        await third.Task.WaitAsync(Patience);
        Assert.False(busy[0].IsCompleted);
        gates[0].SetResult();
        await Task.WhenAll(busy.Append(waiting));
    }

    [Fact]
    public async Task Items_start_in_submission_order()
    {
        await using var executor = new TaskPoolExecutor(1);
        var order = new ConcurrentQueue<int>();

        await Task.WhenAll(Enumerable.Range(0, 100).Select(i => executor.Submit(async () =>
        {
            order.Enqueue(i);
            await Task.Yield();
        }))).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, 100), order);
    }

    [Fact]
    public void Max_workers_defaults_to_the_processor_count_and_must_be_positive()
    {
        Assert.Equal(Environment.ProcessorCount, new TaskPoolExecutor().MaxWorkers);
        Assert.Equal(5, new TaskPoolExecutor(5).MaxWorkers);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TaskPoolExecutor(0));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TaskPoolExecutor(-1));
        Assert.Equal("maxWorkers", error.ParamName);
    }

    [Fact]
    public async Task An_idle_worker_is_reused_rather_than_replaced()
    {
        await using var executor = new TaskPoolExecutor(4);

        for (int i = 0; i < 20; i++)
        {
            await executor.Submit(() => Multiply(i, 2));
        }

        Assert.Equal(1, executor.WorkersCreated);
    }

    [Fact]
    public async Task Workers_made_for_a_burst_serve_the_next_burst()
    {
        await using var executor = new TaskPoolExecutor(3);
        for (int burst = 0; burst < 3; burst++)
        {
            await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => executor.Submit(() => Task.Delay(1)))).WaitAsync(Patience);
        }

        Assert.Equal(3, executor.WorkersCreated);
    }

    [Fact]
    public async Task Submit_is_safe_from_many_threads_at_once()
    {
        await using var executor = new TaskPoolExecutor(4);
        const int Producers = 8, Each = 300;
        int running = 0, highest = 0;
        using var barrier = new Barrier(Producers);

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Factory.StartNew(() =>
        {
            barrier.SignalAndWait();
            return Enumerable.Range(0, Each).Select(i => executor.Submit(async () =>
            {
                InterlockedMax(ref highest, Interlocked.Increment(ref running));
                await Task.Yield();
                Interlocked.Decrement(ref running);
                return p * Each + i;
            })).ToList();
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToList();
        var tasks = (await Task.WhenAll(producers)).SelectMany(list => list);
        var results = await Task.WhenAll(tasks).WaitAsync(Patience);

        Assert.Equal(Enumerable.Range(0, Producers * Each), results.Order());
        Assert.InRange(highest, 1, 4);
        Assert.InRange(executor.WorkersCreated, 1, 4);
    }

    [Fact]
    public void The_name_prefix_names_the_executor()
    {
        Assert.StartsWith("TaskPoolExecutor-", new TaskPoolExecutor().TaskNamePrefix);
        var named = new TaskPoolExecutor(2, "fetchers");
        Assert.Equal("fetchers", named.TaskNamePrefix);
        Assert.Contains("fetchers", named.ToString());
    }

    [Fact]
    public async Task Bodies_see_the_submitters_async_locals()
    {
        await using var executor = new TaskPoolExecutor();
        var local = new AsyncLocal<string>();
        local.Value = "request-17";

        Assert.Equal("request-17", await executor.Submit(() => Task.FromResult(local.Value)));
    }

    [Fact]
    public async Task An_executor_made_on_an_async_loop_runs_its_bodies_on_that_loop()
    {
        await using var supervisor = new TaskSupervisor();
        var loop = supervisor.CreateLoop("pool");
        int loopThread = loop.Run(() => Task.FromResult(Environment.CurrentManagedThreadId));

        var threads = loop.Run(async () =>
        {
            await using var executor = new TaskPoolExecutor(3);
            return await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => executor.Submit(async () =>
            {
                await Task.Yield();
                return Environment.CurrentManagedThreadId;
            })));
        });

        Assert.All(threads, thread => Assert.Equal(loopThread, thread));
    }

    // ---- with Task.WhenAny / WhenAll / WhenEach ----

    private static async Task<string> Named(string name, Task gate)
    {
        await gate;
        return name;
    }

    [Fact]
    public async Task WhenAny_returns_the_first_to_complete()
    {
        await using var executor = new TaskPoolExecutor(3);
        var fast = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = new[] { executor.Submit(() => Named("slow", slow.Task)), executor.Submit(() => Named("fast", fast.Task)) };

        fast.SetResult();
        var first = await Task.WhenAny(tasks).WaitAsync(Patience);
        slow.SetResult();

        Assert.Equal("fast", await first);
        Assert.Equal(["slow", "fast"], await Task.WhenAll(tasks));
    }

    [Fact]
    public async Task WhenEach_yields_results_as_they_complete()
    {
        await using var executor = new TaskPoolExecutor(3);
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var tasks = new[] { executor.Submit(() => Named("task1", gates[0].Task)), executor.Submit(() => Named("task2", gates[1].Task)), executor.Submit(() => Named("task3", gates[2].Task)) };

        var seen = new List<string>();
        int[] releaseOrder = [1, 2, 0];
        gates[releaseOrder[0]].SetResult();
        await foreach (var done in Task.WhenEach(tasks).WithCancellation(new CancellationTokenSource(Patience).Token))
        {
            seen.Add(await done);
            if (seen.Count < 3)
            {
                gates[releaseOrder[seen.Count]].SetResult();
            }
        }

        Assert.Equal(["task2", "task3", "task1"], seen);
    }

    // ---- shutdown ----

    [Fact]
    public async Task Shutdown_with_wait_waits_for_running_and_queued_items()
    {
        var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = executor.Submit(() => gate.Task);
        var queued = executor.Submit(() => Task.FromResult(2));

        var shutdown = executor.ShutdownAsync(wait: true);
        Assert.False(shutdown.IsCompleted);
        gate.SetResult();

        await shutdown.WaitAsync(Patience);
        Assert.True(running.IsCompletedSuccessfully);
        Assert.Equal(2, queued.Result);
    }

    [Fact]
    public async Task Shutdown_without_wait_returns_at_once_and_queued_items_still_run()
    {
        var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = executor.Submit(() => gate.Task);
        var queued = executor.Submit(() => Task.FromResult("ran"));

        var shutdown = executor.ShutdownAsync(wait: false);

        Assert.True(shutdown.IsCompleted);
        gate.SetResult();
        Assert.Equal("ran", await queued.WaitAsync(Patience));
    }

    [Fact]
    public async Task Shutdown_that_cancels_pending_work_lets_running_items_finish()
    {
        var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = executor.Submit(async () =>
        {
            started.SetResult();
            await gate.Task;
            return "finished";
        });
        var pending = Enumerable.Range(0, 5).Select(_ => executor.Submit(() => Task.FromResult("never"))).ToList();
        await started.Task.WaitAsync(Patience);

        var shutdown = executor.ShutdownAsync(wait: true, cancelPending: true);
        Assert.All(pending, task => Assert.True(task.IsCanceled));
        gate.SetResult();

        await shutdown.WaitAsync(Patience);
        Assert.Equal("finished", await running);
    }

    [Fact]
    public async Task Submit_after_shutdown_is_refused_with_the_executors_name()
    {
        var executor = new TaskPoolExecutor(2, "closed");
        await executor.ShutdownAsync();

        var error = Assert.Throws<InvalidOperationException>(() => { _ = executor.Submit(() => Task.FromResult(1)); });
        Assert.Contains("closed", error.Message);
        Assert.Throws<InvalidOperationException>(() => executor.Map(x => Task.FromResult(x), [1, 2]));
    }

    [Fact]
    public async Task Shutdown_is_idempotent_and_a_later_call_may_cancel_pending_work()
    {
        var executor = new TaskPoolExecutor(1);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = executor.Submit(() => gate.Task);
        var pending = executor.Submit(() => Task.FromResult(1));

        var first = executor.ShutdownAsync(wait: false);
        var second = executor.ShutdownAsync(wait: true, cancelPending: true);
        var third = executor.ShutdownAsync(wait: true);

        Assert.True(first.IsCompleted);
        Assert.True(pending.IsCanceled);
        gate.SetResult();
        await Task.WhenAll(second, third).WaitAsync(Patience);
        Assert.True(running.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Shutdown_of_an_unused_executor_completes_at_once()
    {
        var executor = new TaskPoolExecutor();

        Assert.True(executor.ShutdownAsync().IsCompleted);
        await executor.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_waits_for_all_work()
    {
        int done = 0;
        await using (var executor = new TaskPoolExecutor(2))
        {
            for (int i = 0; i < 10; i++)
            {
                _ = executor.Submit(async () =>
                {
                    await Task.Delay(1);
                    Interlocked.Increment(ref done);
                });
            }
        }

        Assert.Equal(10, done);
    }

    internal static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
