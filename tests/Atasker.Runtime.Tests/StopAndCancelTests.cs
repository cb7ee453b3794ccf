using System.Diagnostics;

namespace Atasker.Runtime.Tests;

/// <summary>Stops and cancels at the worst moment: each test reproduces a bug found by trying to break the runtime.</summary>
public sealed class StopAndCancelTests
{
    [Fact]
    public void Stopping_an_interval_worker_whose_run_waits_for_a_slot_cancels_that_run_instead_of_waiting_for_it()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.Submit(probe.Blocking("holder"));
        probe.WaitForStarts(1);
        int ran = 0;
        var worker = new IntervalWorker("queued-run", _ => Interlocked.Increment(ref ran)) { Interval = TimeSpan.FromHours(1) };
        worker.Start(supervisor);
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the worker's run waits for the slot");

        var clock = Stopwatch.StartNew();
        worker.Stop(wait: true);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Stop took {clock.Elapsed}");
        Assert.False(worker.IsActive);
        Assert.Equal(0, supervisor.GetInfo().Thread.Queued);
        probe.Open();
        supervisor.Stop();
        Assert.Equal(0, ran);
        Assert.Equal(0, worker.Executions);
    }

    [Fact]
    public void The_task_holding_the_only_slot_can_stop_a_worker_whose_run_waits_for_that_slot()
    {
        var supervisor = Supervisors.Create(1);
        var worker = new EventWorker("behind-me", _ => { });
        using var queued = new ManualResetEventSlim(false);
        var holder = supervisor.Submit(() =>
        {
            worker.Start(supervisor);
            worker.Trigger();
            queued.Wait(Probe.Patience);
            worker.Stop(wait: true);
            return worker.IsActive;
        });
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the worker's run waits for the slot");
        queued.Set();

        Assert.False(holder.Wait(Probe.Patience));
        Assert.Equal(0, worker.Executions);
        supervisor.Stop();
    }

    [Fact]
    public void A_queue_worker_still_drains_its_items_when_its_run_waits_for_a_slot()
    {
        using var probe = new Probe();
        var supervisor = Supervisors.Create(1);
        supervisor.Submit(probe.Blocking("holder"));
        probe.WaitForStarts(1);
        var done = new List<int>();
        var worker = new QueueWorker<int>("drained", (item, _) => done.Add(item));
        worker.Start(supervisor);
        worker.Put(1);
        worker.Put(2);
        Supervisors.Eventually(() => supervisor.GetInfo().Thread.Queued == 1, "the worker's run waits for the slot");

        var stopped = worker.StopAsync();
        probe.Open();

        Assert.True(stopped.Wait(Probe.Patience));
        Assert.Equal([1, 2], done);
        supervisor.Stop();
    }

    [Fact]
    public void A_queue_worker_stopped_while_the_run_of_its_last_item_waits_for_a_thread_still_runs_that_item()
    {
        // Found by the linearizability check of puts, stops and starts: the stop withdrew the run of the last item.
        for (int round = 0; round < 200; round++)
        {
            var supervisor = new TaskSupervisor();
            var ran = new System.Collections.Concurrent.ConcurrentBag<int>();
            var worker = new QueueWorker<int>("items", (item, _) => ran.Add(item));
            worker.Start(supervisor);
            worker.Put(1);
            worker.Stop(wait: true);
            worker.Put(2);
            worker.Put(3);
            worker.Start(supervisor);
            worker.Stop(wait: true);

            Assert.Equal([1, 2, 3], ran.Order());
            Assert.Equal(0, worker.Count);
            supervisor.Stop();
        }
    }

    [Fact]
    public void StopAsync_with_wait_from_the_supervisors_own_task_is_refused_with_advice_that_works()
    {
        var supervisor = new TaskSupervisor("self-stop");
        var task = supervisor.SubmitAsync(async () =>
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => supervisor.StopAsync());
            Assert.Throws<InvalidOperationException>(() => supervisor.Stop(wait: true));
            var stopping = supervisor.StopAsync(wait: false); // what the message recommends: the stop ends after this task
            Assert.True(stopping.IsCompleted);
            return error.Message;
        });

        string message = task.Wait(Probe.Patience);

        Assert.Contains("'self-stop'", message, StringComparison.Ordinal);
        Assert.Contains("StopAsync(wait: false)", message, StringComparison.Ordinal);
        supervisor.Block();
        Assert.False(supervisor.IsActive);
    }

    [Fact]
    public void A_thread_task_that_stops_its_supervisor_without_waiting_lets_the_stop_finish_when_it_returns()
    {
        var supervisor = new TaskSupervisor("stop-from-inside");
        using var returned = new ManualResetEventSlim(false);
        var task = supervisor.Submit(() =>
        {
            supervisor.Stop(wait: false);
            return supervisor.IsActive;
        });

        Assert.False(task.Wait(Probe.Patience));
        supervisor.Block();
        Assert.Throws<InvalidOperationException>(() => supervisor.Submit(() => 1));
    }

    [Fact]
    public void A_stop_that_cancels_ends_every_handle_after_the_grace_even_when_an_async_body_blocks_its_loop()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var supervisor = new TaskSupervisor("blocked-loop", time);
        var loop = supervisor.CreateLoop("stuck");
        var blocked = new LoopBlockedEventArgs[1];
        supervisor.LoopBlocked += (_, args) => blocked[0] = args;
        using var release = new ManualResetEventSlim(false);
        using var entered = new ManualResetEventSlim(false);
        var blocking = supervisor.SubmitAsync(
            () =>
            {
                entered.Set();
                release.Wait(); // blocks the loop's thread
                return Task.FromResult(1);
            },
            new TaskOptions { Loop = "stuck" });
        Assert.True(entered.Wait(Probe.Patience));
        var queued = supervisor.SubmitAsync(() => Task.FromResult(2), new TaskOptions { Loop = "stuck" });

        var stopped = supervisor.StopAsync(wait: true, cancelTasks: true);
        time.Advance(AsyncLoop.AbandonGrace);

        Assert.True(stopped.Wait(Probe.Patience), "the stop finished after the grace");
        Assert.Equal(TaskState.Canceled, blocking.State);
        Assert.Equal(TaskState.Canceled, queued.State);
        Assert.Null(supervisor.GetTask(queued.Id));
        Assert.Null(supervisor.GetTask(blocking.Id));
        Assert.Equal(0, supervisor.GetInfo().Async.Active);
        Assert.Same(loop, blocked[0].Loop);
        Assert.Equal(2, blocked[0].Abandoned);

        // Started again, the supervisor replaces the blocked loop's thread; the old one leaves when its body returns.
        supervisor.Start();
        Assert.Equal(3, supervisor.SubmitAsync(() => Task.FromResult(3), new TaskOptions { Loop = "stuck" }).Wait(Probe.Patience));
        release.Set();
        Assert.Equal(4, supervisor.SubmitAsync(() => Task.FromResult(4), new TaskOptions { Loop = "stuck" }).Wait(Probe.Patience));
        supervisor.Stop();
    }

    [Fact]
    public void A_task_canceled_after_it_was_handed_to_its_loop_ends_at_once_even_while_the_loop_is_busy()
    {
        // Found by the linearizability check of cancel against the hand-off: the handle said Canceled while its
        // Completion stayed pending until the loop's thread got to the task.
        var supervisor = new TaskSupervisor("busy-loop");
        using var release = new ManualResetEventSlim(false);
        using var entered = new ManualResetEventSlim(false);
        var busy = supervisor.SubmitAsync(() =>
        {
            entered.Set();
            release.Wait(Probe.Patience);
            return Task.FromResult(1);
        });
        Assert.True(entered.Wait(Probe.Patience));
        var handed = supervisor.SubmitAsync(() => Task.FromResult(2));
        Assert.Equal(TaskState.Queued, handed.State);

        Assert.True(handed.Cancel());

        Assert.True(handed.Completion.IsCanceled, "the handle's Completion ended with the cancel");
        Assert.Null(supervisor.GetTask(handed.Id));
        release.Set();
        Assert.Equal(1, busy.Wait(Probe.Patience));
        Supervisors.Eventually(() => supervisor.GetInfo().Async.Active == 0, "the loop gave the canceled task's slot back");
        supervisor.Stop();
    }

    [Fact]
    public void After_dispose_submitting_says_the_supervisor_was_disposed()
    {
        var supervisor = new TaskSupervisor("gone");
        supervisor.Dispose();

        var error = Assert.Throws<ObjectDisposedException>(() => supervisor.Submit(() => 1));

        Assert.Contains("'gone'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Start()", error.Message, StringComparison.Ordinal);
        Assert.Throws<ObjectDisposedException>(supervisor.Start);
    }

    [Fact]
    public async Task Disposing_a_map_enumerator_before_the_first_read_cancels_what_is_pending()
    {
        await using var executor = new TaskPoolExecutor(1);
        using var gate = new ManualResetEventSlim(false);
        int ran = 0;
        var results = executor.Map(
            async (int i) =>
            {
                Interlocked.Increment(ref ran);
                if (i == 0)
                {
                    gate.Wait(Probe.Patience);
                }

                await Task.Yield();
                return i;
            },
            Enumerable.Range(0, 100));

        var enumerator = results.GetAsyncEnumerator();
        await enumerator.DisposeAsync();
        gate.Set();
        await executor.ShutdownAsync();

        Assert.InRange(Volatile.Read(ref ran), 0, 1);
    }

    [Fact]
    public async Task Map_after_shutdown_over_an_empty_source_yields_nothing_and_a_non_empty_one_is_refused()
    {
        var executor = new TaskPoolExecutor(2);
        await executor.ShutdownAsync();

        var results = new List<int>();
        await foreach (var result in executor.Map((int i) => Task.FromResult(i), []))
        {
            results.Add(result);
        }

        Assert.Empty(results);
        Assert.Throws<InvalidOperationException>(() => executor.Map((int i) => Task.FromResult(i), [1]));
    }
}
