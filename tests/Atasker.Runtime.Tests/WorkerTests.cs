using System.Collections.Concurrent;
using System.Diagnostics;

namespace Atasker.Runtime.Tests;

/// <summary>Each semantic of DESIGN section 6, one test each (every one fixes a bug of the Python original).</summary>
public sealed class WorkerTests
{
    [Fact]
    public async Task Every_execution_is_a_task_on_the_pool_with_the_workers_priority_and_an_idle_worker_holds_no_slot()
    {
        await using var supervisor = Supervisors.Create(poolSize: 1);
        using var probe = new Probe();
        var names = new ConcurrentQueue<(string Name, TaskPriority Priority, TaskKind Kind)>();
        var idle = new EventWorker("idle", _ => { }) { Priority = TaskPriority.High };
        Assert.True(idle.Start(supervisor));

        // The idle worker holds nothing: the one slot is free for a task.
        Assert.Equal(0, supervisor.GetInfo().Thread.Active);
        var blocker = supervisor.Submit(probe.Blocking("blocker"));
        probe.WaitForStarts(1);

        var worker = new EventWorker("reporter", _ => names.Enqueue(("run", TaskPriority.Normal, TaskKind.Thread))) { Priority = TaskPriority.High };
        worker.Start(supervisor);
        worker.Trigger();

        // The pool is full, so the execution waits in its queue, like any task of that priority.
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the execution is queued behind the blocker");
        var queued = FindTask(supervisor, "reporter");
        Assert.Equal(TaskPriority.High, queued.Priority);
        Assert.Equal(TaskKind.Thread, queued.Kind);
        Assert.Equal(TaskState.Queued, queued.State);
        Assert.Empty(names);

        probe.Open();
        await blocker;
        await queued;
        Assert.Single(names);
        await worker.StopAsync();
        await idle.StopAsync();
    }

    [Fact]
    public async Task GetInfo_lists_the_started_workers_with_their_counts_until_they_stop()
    {
        await using var supervisor = Supervisors.Create(poolSize: 1);
        using var probe = new Probe();
        Assert.Empty(supervisor.GetInfo().Workers);
        var blocker = supervisor.Submit(probe.Blocking("blocker"));
        probe.WaitForStarts(1);

        var mailer = new QueueWorker<int>("mailer", (item, _) => { if (item < 0) throw new InvalidOperationException("bad"); });
        var alarm = new EventWorker("alarm", _ => { });
        mailer.Start(supervisor);
        alarm.Start(supervisor);
        mailer.Put(1);
        mailer.Put(-1);
        mailer.Put(3);
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the mailer's execution waits behind the blocker");

        var waiting = supervisor.GetInfo().Workers;
        Assert.Equal(["mailer", "alarm"], waiting.Select(w => w.Name));
        Assert.Equal([WorkerType.Queue, WorkerType.Event], waiting.Select(w => w.Type));
        Assert.All(waiting, w => Assert.True(w.IsActive));
        Assert.Equal((0L, (DateTimeOffset?)null), (waiting[0].Executions, waiting[0].LastExecuted));
        Assert.InRange(waiting[0].Queued, 2, 3); // the waiting execution may have taken its item already
        Assert.Equal(0, waiting[1].Queued);

        probe.Open();
        await blocker;
        Supervisors.Eventually(() => mailer.Executions == 3, "the mailer ran its three items");
        var ran = supervisor.GetInfo().Workers[0];
        Assert.Equal((3L, 1L, 0), (ran.Executions, ran.Failures, ran.Queued));
        Assert.NotNull(ran.LastExecuted);

        await alarm.StopAsync();
        Assert.Equal(["mailer"], supervisor.GetInfo().Workers.Select(w => w.Name));
        await mailer.StopAsync();
        Assert.Empty(supervisor.GetInfo().Workers);
    }

    [Fact]
    public async Task Executions_of_one_worker_never_overlap_even_when_the_interval_is_shorter_than_the_body()
    {
        await using var supervisor = new TaskSupervisor();
        int inside = 0, most = 0, runs = 0;
        using var done = new ManualResetEventSlim();
        var worker = new IntervalWorker("overlapping", _ =>
        {
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            Thread.SpinWait(200_000);
            Interlocked.Decrement(ref inside);
            if (Interlocked.Increment(ref runs) == 15)
            {
                done.Set();
            }
        })
        { Interval = TimeSpan.FromTicks(1) };

        worker.Start(supervisor);
        Assert.True(done.Wait(Probe.Patience));
        await worker.StopAsync();
        Assert.Equal(1, most);
    }

    [Fact]
    public async Task A_failing_execution_raises_Error_is_counted_and_the_worker_goes_on()
    {
        await using var supervisor = new TaskSupervisor();
        var processed = new ConcurrentQueue<int>();
        var errors = new ConcurrentQueue<WorkerErrorEventArgs>();
        var worker = new QueueWorker<int>("picky", (item, _) =>
        {
            if (item % 3 == 0)
            {
                throw new InvalidDataException($"item {item}");
            }

            processed.Enqueue(item);
        });
        worker.Error += (sender, args) =>
        {
            Assert.Same(worker, sender);
            errors.Enqueue(args);
        };

        worker.Error += (_, _) => throw new InvalidOperationException("a broken handler is ignored");
        for (int i = 1; i <= 9; i++)
        {
            worker.Put(i);
        }

        worker.Start(supervisor);
        worker.Stop();

        Assert.Equal([1, 2, 4, 5, 7, 8], processed);
        Assert.Equal(3, worker.Failures);
        Assert.Equal(9, worker.Executions);
        Assert.Equal([3, 6, 9], errors.Select(e => (int)e.Item!));
        Assert.All(errors, e => Assert.IsType<InvalidDataException>(e.Exception));
        Assert.All(errors, e => Assert.True(e.HasItem));
    }

    [Fact]
    public async Task Returning_false_stops_the_worker_cleanly_and_leaves_nothing_behind()
    {
        await using var supervisor = new TaskSupervisor();
        int runs = 0;
        var worker = new LoopWorker("five-times", _ => Interlocked.Increment(ref runs) < 5);

        worker.Start(supervisor);
        Supervisors.Eventually(() => !worker.IsActive, "the body's false stopped the worker");

        Assert.Equal(5, runs);
        Assert.Equal(5, worker.Executions);
        Assert.Equal(0, worker.Failures);
        var pool = supervisor.GetInfo().Thread;
        Assert.Equal((0, 0), (pool.Active, pool.Queued));

        // Nothing of it is left with the supervisor: it stops at once, and the worker starts again.
        Assert.True(worker.Start(supervisor));
        await worker.StopAsync().WaitAsync(Probe.Patience);
        await supervisor.StopAsync().WaitAsync(Probe.Patience);
    }

    [Fact]
    public async Task Interval_runs_start_to_start_from_the_start_about_twenty_times_a_second_at_50_ms()
    {
        await using var supervisor = new TaskSupervisor();
        var starts = new ConcurrentQueue<long>();
        var worker = new IntervalWorker("ticker", _ => starts.Enqueue(Stopwatch.GetTimestamp())) { Interval = TimeSpan.FromMilliseconds(50) };

        long started = Stopwatch.GetTimestamp();
        worker.Start(supervisor);
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await worker.StopAsync();

        var times = starts.ToArray();
        Assert.True(times.Length > 0);
        Assert.True(Stopwatch.GetElapsedTime(started, times[0]) < TimeSpan.FromMilliseconds(500), "the first execution runs at Start, not after an interval");
        int inFirstSecond = times.Count(t => Stopwatch.GetElapsedTime(times[0], t) < TimeSpan.FromSeconds(1));
        Assert.InRange(inFirstSecond, 10, 26);
    }

    [Fact]
    public async Task An_overrun_is_followed_at_once_and_missed_ticks_are_not_made_up_in_a_burst()
    {
        await using var supervisor = new TaskSupervisor();
        using var release = new ManualResetEventSlim();
        using var threeRan = new ManualResetEventSlim();
        var starts = new ConcurrentQueue<long>();
        long firstEnded = 0;
        var worker = new IntervalWorker("overrun", _ =>
        {
            starts.Enqueue(Stopwatch.GetTimestamp());
            if (starts.Count == 1)
            {
                release.Wait(Probe.Patience);
                firstEnded = Stopwatch.GetTimestamp();
            }

            if (starts.Count == 4)
            {
                threeRan.Set();
            }
        })
        { Interval = TimeSpan.FromMilliseconds(60) };

        worker.Start(supervisor);
        await Task.Delay(400); // the first execution overruns by several intervals
        release.Set();
        Assert.True(threeRan.Wait(Probe.Patience));
        await worker.StopAsync();

        var times = starts.ToArray();
        Assert.True(times[1] >= firstEnded, "the next execution starts after the overrun ended");
        Assert.True(Stopwatch.GetElapsedTime(firstEnded, times[1]) < TimeSpan.FromMilliseconds(55), "the next execution follows the overrun at once");

        // The schedule continues from the end of the overrun (next due = max(now, previous due + interval)): the runs
        // missed meanwhile are not made up, so every later run is due a whole interval after the one before.
        for (int i = 2; i < 4; i++)
        {
            var since = Stopwatch.GetElapsedTime(firstEnded, times[i]);
            Assert.True(since >= TimeSpan.FromMilliseconds(60 * (i - 1)), $"execution {i + 1} came {since.TotalMilliseconds:F1} ms after the overrun ended: a catch-up burst");
        }
    }

    [Fact]
    public async Task Delay_is_the_pause_after_each_execution_ends()
    {
        await using var supervisor = new TaskSupervisor();
        var spans = new ConcurrentQueue<(long Start, long End)>();
        using var enough = new ManualResetEventSlim();
        var worker = new IntervalWorker("paced", _ =>
        {
            long start = Stopwatch.GetTimestamp();
            Thread.SpinWait(100_000);
            spans.Enqueue((start, Stopwatch.GetTimestamp()));
            if (spans.Count == 4)
            {
                enough.Set();
            }
        })
        { Delay = TimeSpan.FromMilliseconds(80) };

        worker.Start(supervisor);
        Assert.True(enough.Wait(Probe.Patience));
        await worker.StopAsync();

        var runs = spans.ToArray();
        for (int i = 1; i < runs.Length; i++)
        {
            Assert.True(Stopwatch.GetElapsedTime(runs[i - 1].End, runs[i].Start) >= TimeSpan.FromMilliseconds(78), $"pause {i} was too short");
        }
    }

    [Fact]
    public async Task DelayBefore_is_the_pause_before_each_execution_starts()
    {
        await using var supervisor = new TaskSupervisor();
        var started = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = new EventWorker("hesitant", _ => started.TrySetResult(Stopwatch.GetTimestamp())) { DelayBefore = TimeSpan.FromMilliseconds(150) };

        worker.Start(supervisor);
        long triggered = Stopwatch.GetTimestamp();
        worker.Trigger();
        long ran = await started.Task.WaitAsync(Probe.Patience);
        await worker.StopAsync();

        Assert.True(Stopwatch.GetElapsedTime(triggered, ran) >= TimeSpan.FromMilliseconds(148));
    }

    [Fact]
    public async Task Stop_of_a_waiting_worker_is_prompt_whatever_the_interval_or_delay()
    {
        await using var supervisor = new TaskSupervisor();
        using var ran = new CountdownEvent(2);
        var hourly = new IntervalWorker("hourly", _ => ran.Signal()) { Interval = TimeSpan.FromHours(1) };
        var slow = new IntervalWorker("slow", _ => ran.Signal()) { Delay = TimeSpan.FromHours(1) };
        var events = new EventWorker("events", _ => { }) { DelayBefore = TimeSpan.FromHours(1) };
        var queue = new QueueWorker<int>("queue", (_, _) => { });
        BackgroundWorker[] workers = [hourly, slow, events, queue];
        foreach (var worker in workers)
        {
            worker.Start(supervisor);
        }

        events.Trigger();
        Assert.True(ran.Wait(Probe.Patience));

        var clock = Stopwatch.StartNew();
        foreach (var worker in workers)
        {
            worker.Stop();
            Assert.False(worker.IsActive);
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"stopping four waiting workers took {clock.Elapsed}");
        Assert.Equal(0, events.Executions); // its pending trigger stays for the next start
    }

    [Fact]
    public async Task Triggers_that_arrive_during_an_execution_cause_exactly_one_more()
    {
        await using var supervisor = new TaskSupervisor();
        using var inFirst = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int runs = 0;
        var worker = new EventWorker("triggered", _ =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                inFirst.Set();
                release.Wait(Probe.Patience);
            }
        });

        worker.Start(supervisor);
        worker.Trigger();
        Assert.True(inFirst.Wait(Probe.Patience));
        for (int i = 0; i < 5; i++)
        {
            worker.Trigger();
        }

        release.Set();

        // The decision to run again is made with the count under one lock: once two have ended, a third would already
        // be in the pool.
        Supervisors.Eventually(() => worker.Executions == 2, "two executions ended");
        var pool = supervisor.GetInfo().Thread;
        Assert.Equal((2, 0, 0), (Volatile.Read(ref runs), pool.Active, pool.Queued));
        await worker.StopAsync();
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task A_thousand_items_put_before_Stop_are_all_processed_in_order_before_it_returns()
    {
        await using var supervisor = new TaskSupervisor();
        var processed = new List<int>();
        var worker = new QueueWorker<int>("fifo", (item, _) =>
        {
            Thread.SpinWait(500);
            processed.Add(item); // executions never overlap, so no lock is needed
        });
        worker.Start(supervisor);
        for (int i = 0; i < 1000; i++)
        {
            worker.Put(i);
        }

        worker.Stop(wait: true);

        Assert.Equal(Enumerable.Range(0, 1000), processed);
        Assert.Equal(0, worker.Count);
        Assert.False(worker.IsActive);
    }

    [Fact]
    public async Task A_queue_worker_busy_with_items_lets_a_waiting_task_in_between_two_of_them()
    {
        await using var supervisor = Supervisors.Create(poolSize: 1);
        var order = new ConcurrentQueue<string>();
        using var inFirst = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var worker = new QueueWorker<int>("busy", (item, _) =>
        {
            if (item == 0)
            {
                inFirst.Set();
                release.Wait(Probe.Patience);
            }

            order.Enqueue($"item {item}");
        });
        for (int i = 0; i < 20; i++)
        {
            worker.Put(i);
        }

        worker.Start(supervisor);
        Assert.True(inFirst.Wait(Probe.Patience));
        var urgent = supervisor.Submit(() => order.Enqueue("urgent"), supervisor.With(TaskPriority.High));
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the urgent task waits for the one slot");
        release.Set();
        await urgent;
        await worker.StopAsync().WaitAsync(Probe.Patience);

        Assert.Equal(["item 0", "urgent"], order.Take(2));
        Assert.Equal(21, order.Count);
        Assert.Equal(20, worker.Executions);
    }

    [Fact]
    public async Task Items_put_before_Start_are_kept_and_processed_after_it()
    {
        await using var supervisor = new TaskSupervisor();
        var processed = new ConcurrentQueue<string>();
        var worker = new QueueWorker<string>("early", (item, _) => processed.Enqueue(item));
        worker.Put("a");
        worker.Put("b");
        Assert.True(worker.TryPut("c"));
        Assert.Equal(3, worker.Count);

        worker.Start(supervisor);
        worker.Stop();

        Assert.Equal(["a", "b", "c"], processed);
    }

    [Fact]
    public async Task Ten_thousand_trivial_items_take_well_under_a_second()
    {
        await using var supervisor = new TaskSupervisor();
        long sum = 0;
        var worker = new QueueWorker<int>("fast", (item, _) => sum += item);
        worker.Start(supervisor);
        for (int i = 0; i < 100; i++)
        {
            worker.Put(i); // warm up
        }

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 10_000; i++)
        {
            worker.Put(1);
        }

        worker.Stop();
        clock.Stop();

        Assert.Equal(4950 + 10_000, sum);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"10,000 items took {clock.Elapsed}");
    }

    [Fact]
    public async Task Stopping_the_supervisor_stops_its_workers_and_drains_their_queues()
    {
        var supervisor = new TaskSupervisor();
        var processed = new ConcurrentQueue<int>();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var queue = new QueueWorker<int>("drained", (item, _) =>
        {
            started.Set();
            release.Wait(Probe.Patience);
            processed.Enqueue(item);
        });
        var ticker = new IntervalWorker("ticker", _ => { }) { Interval = TimeSpan.FromHours(1) };
        queue.Start(supervisor);
        ticker.Start(supervisor);
        for (int i = 0; i < 50; i++)
        {
            queue.Put(i);
        }

        Assert.True(started.Wait(Probe.Patience));
        var stopped = supervisor.StopAsync();
        Assert.False(queue.IsActive);
        Assert.False(ticker.IsActive);
        Assert.Throws<InvalidOperationException>(() => supervisor.Submit(() => 1));
        release.Set();
        await stopped.WaitAsync(Probe.Patience);

        Assert.Equal(Enumerable.Range(0, 50), processed);
        Assert.False(supervisor.IsActive);
        var error = Assert.Throws<InvalidOperationException>(() => queue.Start(supervisor));
        Assert.Contains("worker 'drained'", error.Message);
    }

    [Fact]
    public async Task Stopping_the_supervisor_with_cancelTasks_keeps_the_items_not_run_for_the_next_start()
    {
        await using var supervisor = new TaskSupervisor();
        using var started = new ManualResetEventSlim();
        var processed = new ConcurrentQueue<int>();
        var worker = new QueueWorker<int>("kept", (item, token) =>
        {
            if (item == 0)
            {
                started.Set();
                token.WaitHandle.WaitOne(Probe.Patience); // until the stop cancels the worker's token
            }

            processed.Enqueue(item);
        });
        for (int i = 0; i < 10; i++)
        {
            worker.Put(i);
        }

        worker.Start(supervisor);
        Assert.True(started.Wait(Probe.Patience));
        await supervisor.StopAsync(cancelTasks: true).WaitAsync(Probe.Patience);

        Assert.Equal([0], processed);
        Assert.Equal(9, worker.Count);
        supervisor.Start();
        worker.Start(supervisor);
        await worker.StopAsync().WaitAsync(Probe.Patience);
        Assert.Equal(Enumerable.Range(0, 10), processed);
    }

    [Fact]
    public async Task Restart_never_overlaps_the_old_and_the_new_executions()
    {
        await using var supervisor = new TaskSupervisor();
        int inside = 0, most = 0;
        long runs = 0;
        var worker = new LoopWorker("restarted", _ =>
        {
            InterlockedMax(ref most, Interlocked.Increment(ref inside));
            Thread.SpinWait(2_000);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref runs);
        });
        worker.Start(supervisor);

        var restarters = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (int i = 0; i < 25; i++)
            {
                worker.Restart();
            }
        })).ToArray();
        await Task.WhenAll(restarters).WaitAsync(Probe.Patience);

        Assert.True(worker.IsActive);
        await worker.StopAsync();
        Assert.Equal(1, most);
        Assert.True(Interlocked.Read(ref runs) > 0);
    }

    [Fact]
    public async Task PutAsync_on_a_full_bounded_queue_waits_for_room_in_order()
    {
        await using var supervisor = new TaskSupervisor();
        var processed = new ConcurrentQueue<int>();
        var worker = new QueueWorker<int>("bounded", (item, _) => processed.Enqueue(item), queueCapacity: 2);
        await worker.PutAsync(1);
        await worker.PutAsync(2);
        Assert.False(worker.TryPut(99));

        var third = worker.PutAsync(3);
        var fourth = worker.PutAsync(4);
        using var giveUp = new CancellationTokenSource();
        var abandoned = worker.PutAsync(98, giveUp.Token);
        Assert.False(third.IsCompleted);
        Assert.False(fourth.IsCompleted);
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await abandoned);
        Assert.Equal(2, worker.Count);

        worker.Start(supervisor);
        await third.AsTask().WaitAsync(Probe.Patience);
        await fourth.AsTask().WaitAsync(Probe.Patience);
        await worker.StopAsync();

        Assert.Equal([1, 2, 3, 4], processed);
    }

    [Fact]
    public async Task An_async_body_runs_on_the_loop_and_its_token_is_canceled_by_stop()
    {
        await using var supervisor = new TaskSupervisor();
        supervisor.CreateLoop("io");
        var threads = new ConcurrentBag<string?>();
        using var waiting = new ManualResetEventSlim();
        var worker = new LoopWorker("async", async token =>
        {
            threads.Add(Thread.CurrentThread.Name);
            waiting.Set();
            await Task.Delay(Timeout.Infinite, token);
        })
        { Loop = "io" };

        worker.Start(supervisor);
        Assert.True(waiting.Wait(Probe.Patience));
        await worker.StopAsync().WaitAsync(Probe.Patience);

        Assert.Equal(["Atasker loop io"], threads.Distinct());
        Assert.Equal(1, worker.Executions);
        Assert.Equal(0, worker.Failures); // giving up on the canceled token is what the stop asked for
    }

    [Fact]
    public async Task Start_Stop_and_settings_refuse_bad_use_with_messages_naming_the_worker()
    {
        await using var supervisor = new TaskSupervisor();
        var worker = new EventWorker("named", _ => { });

        Assert.Contains("'named'", Assert.Throws<ArgumentOutOfRangeException>(() => worker.Delay = TimeSpan.FromSeconds(-1)).Message);
        Assert.Contains("'named'", Assert.Throws<ArgumentOutOfRangeException>(() => worker.Priority = (TaskPriority)9).Message);
        Assert.Contains("'named'", Assert.Throws<ArgumentException>(() => worker.Kind = TaskKind.Async).Message);
        Assert.Contains("Process", Assert.Throws<ArgumentException>(() => worker.Kind = TaskKind.Process).Message);
        Assert.Contains("'other'", Assert.Throws<ArgumentOutOfRangeException>(() => new QueueWorker<int>("other", (_, _) => { }, queueCapacity: -1)).Message);
        Assert.Throws<ArgumentException>(() => new LoopWorker(" ", _ => { }));
        Assert.Throws<ArgumentNullException>(() => new LoopWorker("x", (Action<CancellationToken>)null!));

        var onLoop = new LoopWorker("looped", _ => ValueTask.CompletedTask) { Loop = "missing" };
        var missing = Assert.Throws<ArgumentException>(() => onLoop.Start(supervisor));
        Assert.Contains("worker 'looped'", missing.Message);
        Assert.False(onLoop.IsActive);

        Assert.True(worker.Start(supervisor));
        Assert.False(worker.Start(supervisor));
        Assert.Same(supervisor, worker.Supervisor);
        worker.Stop();
        worker.Stop(); // idempotent
    }

    [Fact]
    public async Task Stop_with_wait_from_the_workers_own_execution_throws_instead_of_hanging()
    {
        await using var supervisor = new TaskSupervisor();
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        BackgroundWorker? self = null;
        var worker = new EventWorker("selfish", _ =>
        {
            try
            {
                self!.Stop(wait: true);
                outcome.TrySetResult(null);
            }
            catch (InvalidOperationException exception)
            {
                outcome.TrySetResult(exception);
                self!.Stop(wait: false);
            }
        });
        self = worker;
        worker.Start(supervisor);
        worker.Trigger();

        var error = await outcome.Task.WaitAsync(Probe.Patience);
        Assert.NotNull(error);
        Assert.Contains("worker 'selfish'", error.Message);
        await worker.StopAsync().WaitAsync(Probe.Patience);
    }

    [Fact]
    public async Task Restart_from_the_workers_own_execution_starts_again_after_it()
    {
        await using var supervisor = new TaskSupervisor();
        int runs = 0;
        using var second = new ManualResetEventSlim();
        IntervalWorker? self = null;
        var worker = new IntervalWorker("phoenix", _ =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                self!.Restart();
            }
            else
            {
                second.Set();
            }
        })
        { Interval = TimeSpan.FromHours(1) };
        self = worker;

        worker.Start(supervisor);
        Assert.True(second.Wait(Probe.Patience)); // the restarted worker runs at its start again
        await worker.StopAsync();
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Many_producers_put_concurrently_and_nothing_is_lost_or_reordered_per_producer()
    {
        await using var supervisor = new TaskSupervisor();
        var seen = new List<(int Producer, int Sequence)>();
        var worker = new QueueWorker<(int, int)>("shared", (item, _) => seen.Add(item), queueCapacity: 64);
        worker.Start(supervisor);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // All start on one signal. Half put from threads of their own (Put blocks while the queue is full), half with PutAsync.
        var blocking = Enumerable.Range(0, 4).Select(p => new Thread(() =>
        {
            go.Task.Wait();
            for (int i = 0; i < 500; i++)
            {
                worker.Put((p, i));
            }
        })).ToArray();
        foreach (var thread in blocking)
        {
            thread.Start();
        }

        var awaiting = Enumerable.Range(4, 4).Select(p => Task.Run(async () =>
        {
            await go.Task;
            for (int i = 0; i < 500; i++)
            {
                await worker.PutAsync((p, i));
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(awaiting).WaitAsync(Probe.Patience);
        Assert.All(blocking, thread => Assert.True(thread.Join(Probe.Patience)));
        await worker.StopAsync().WaitAsync(Probe.Patience);

        Assert.Equal(4000, seen.Count);
        foreach (var group in seen.GroupBy(item => item.Producer))
        {
            Assert.Equal(Enumerable.Range(0, 500), group.Select(item => item.Sequence));
        }
    }

    [Fact]
    public async Task Puts_racing_with_the_end_of_a_run_are_never_left_unprocessed()
    {
        await using var supervisor = new TaskSupervisor();
        const int Producers = 8, PerProducer = 3000;
        using var processed = new CountdownEvent(Producers * PerProducer);
        var worker = new QueueWorker<int>("racing", (_, _) => { processed.Signal(); });
        worker.Start(supervisor);
        using var barrier = new Barrier(Producers);

        // Bursts with pauses: the worker keeps running dry and ending its run just as the next item arrives.
        var threads = Enumerable.Range(0, Producers).Select(_ => new Thread(() =>
        {
            barrier.SignalAndWait();
            for (int i = 0; i < PerProducer; i++)
            {
                worker.Put(i);
                if (i % 7 == 0)
                {
                    Thread.SpinWait(i % 3000);
                }
            }
        })).ToList();
        threads.ForEach(thread => thread.Start());
        threads.ForEach(thread => thread.Join());

        Assert.True(processed.Wait(Probe.Patience), $"{processed.CurrentCount} items were never processed; {worker}, {worker.Count} queued, {worker.Failures} failures, pool {supervisor.GetInfo().Thread}");
        await worker.StopAsync();
        Assert.Equal(Producers * PerProducer, worker.Executions);
    }

    private static TaskHandle FindTask(TaskSupervisor supervisor, string name)
    {
        TaskHandle? found = null;
        Supervisors.Eventually(() =>
        {
            for (long id = 1; id < 1_000_000 && found is null; id++)
            {
                if (supervisor.GetTask(id) is { } task && task.Name == name)
                {
                    found = task;
                }
            }

            return found is not null;
        }, $"a task named {name} exists");
        return found!;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
