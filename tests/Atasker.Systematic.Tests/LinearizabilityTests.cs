using CsCheck;

namespace Atasker.Systematic.Tests;

/// <summary>
/// Operations run in parallel on real threads, many times over with random operations and orders; each outcome must be
/// one that some sequential order of the same operations gives (CsCheck's SampleParallel: linearizability). Then no
/// state, however the threads interleave, is one that no order explains: a lost cancel, a handle that ends twice, an
/// item that disappears or runs twice, a submission accepted by an executor that had refused it.
/// </summary>
public sealed class LinearizabilityTests
{
    [Fact]
    public void A_handles_cancel_races_its_hand_off_to_a_thread_linearizably()
    {
        Check.SampleParallel(
            Gen.Const(0).Select(_ => new OneTask()),
            Gen.Const(0).Operation<OneTask>(_ => "Cancel", (t, _) => t.Cancel()),
            Gen.Const(0).Operation<OneTask>(_ => "Release", (t, _) => t.Release()),
            Gen.Const(0).Operation<OneTask>(_ => "Await", (t, _) => t.Await()),
            equal: (a, b) => a.Outcome() == b.Outcome(),
            iter: Budget.Iterations(500),
            print: t => t.Outcome());
    }

    [Fact]
    public void Queue_worker_puts_stops_and_starts_lose_nothing_and_run_nothing_twice()
    {
        Check.SampleParallel(
            Gen.Const(0).Select(_ => new OneQueueWorker()),
            Gen.Int[0, 999].Operation<OneQueueWorker>(i => $"Put({i})", (w, i) => w.Put(i)),
            Gen.Const(0).Operation<OneQueueWorker>(_ => "Stop", (w, _) => w.Stop()),
            Gen.Const(0).Operation<OneQueueWorker>(_ => "Start", (w, _) => w.Start()),
            equal: (a, b) => a.Outcome() == b.Outcome(),
            iter: Budget.Iterations(300),
            print: w => w.Outcome());
    }

    [Fact]
    public void Executor_submit_and_shutdown_are_linearizable()
    {
        Check.SampleParallel(
            Gen.Const(0).Select(_ => new OneExecutor()),
            Gen.Const(0).Operation<OneExecutor>(_ => "Submit", (e, _) => e.Submit()),
            Gen.Bool.Operation<OneExecutor>(cancel => $"Shutdown(cancelPending: {cancel})", (e, cancel) => e.Shutdown(cancel)),
            equal: (a, b) => a.Outcome() == b.Outcome(),
            iter: Budget.Iterations(1_000),
            print: e => e.Outcome());
    }

    /// <summary>
    /// A task waiting for the one slot of a real supervisor, held by a blocker: Release lets the blocker end, so a
    /// supervisor thread hands the slot over to the task (and waits until it began, or ended canceled); Cancel and
    /// Await race it.
    /// </summary>
    private sealed class OneTask
    {
        private readonly TaskSupervisor _supervisor = new("linearizability");
        private readonly ManualResetEventSlim _gate = new(false);
        private readonly TaskHandle<int> _task;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _seen = new();
        private string? _outcome;

        public OneTask()
        {
            _supervisor.SetThreadPool(1);
            using var blocking = new ManualResetEventSlim(false);
            _supervisor.Submit(() =>
            {
                blocking.Set();
                _gate.Wait();
            });
            blocking.Wait();
            _task = _supervisor.Submit(() => 7);
        }

        public void Cancel() => _seen.Enqueue(_task.Cancel() ? "cancel:never-runs" : "cancel:too-late");

        public void Release()
        {
            _gate.Set();
            SpinWait.SpinUntil(() => _task.HasStarted || _task.IsFinished);
        }

        /// <summary>Asks for the handle's Completion (the source is created on first use, racing the end).</summary>
        public void Await() => _ = _task.Completion;

        public string Outcome()
        {
            if (_outcome is null)
            {
                _gate.Set();
                SpinWait.SpinUntil(() => _task.IsFinished && _task.Completion.IsCompleted, TimeSpan.FromSeconds(30));
                _supervisor.Stop();
                var seen = string.Join(",", _seen.Order(StringComparer.Ordinal));
                _outcome = $"{_task.State}, ran {_task.HasStarted}, completion {_task.Completion.Status}, active {_supervisor.GetInfo().Thread.Active}, saw [{seen}]";
            }

            return _outcome;
        }
    }

    /// <summary>A queue worker on a supervisor of its own; its outcome, once everything has settled, is every item put,
    /// each either run once or still queued.</summary>
    private sealed class OneQueueWorker
    {
        private readonly TaskSupervisor _supervisor = new("linearizable-queue");
        private string? _outcome;
        private readonly System.Collections.Concurrent.ConcurrentBag<int> _ran = [];
        private readonly System.Collections.Concurrent.ConcurrentBag<int> _put = [];
        private readonly QueueWorker<int> _worker;

        public OneQueueWorker()
        {
            _worker = new QueueWorker<int>("items", (item, _) => _ran.Add(item));
            _worker.Start(_supervisor);
        }

        public void Put(int item)
        {
            _put.Add(item);
            _worker.Put(item);
        }

        public void Stop() => _worker.Stop(wait: true);

        public void Start()
        {
            try
            {
                _worker.Start(_supervisor);
            }
            catch (InvalidOperationException)
            {
                // Still stopping: a stop in parallel has not finished.
            }
        }

        public string Outcome()
        {
            if (_outcome is null)
            {
                _worker.Stop(wait: true);
                var ran = _ran.Order().ToList();
                _outcome = $"put {_put.Count}, ran or queued {ran.Count + _worker.Count}, ran twice {ran.Count - ran.Distinct().Count()}, executions {_worker.Executions == ran.Count}";
                _supervisor.Stop();
            }

            return _outcome;
        }
    }

    /// <summary>An executor whose one worker is held, so every submission waits; outcomes are counted once the holder
    /// is released.</summary>
    private sealed class OneExecutor
    {
        private readonly TaskPoolExecutor _executor = new(1);
        private readonly TaskCompletionSource _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<Task> _accepted = new();
        private int _refused;
        private string? _outcome;

        public OneExecutor() => _executor.Submit(() => _hold.Task);

        public void Submit()
        {
            try
            {
                _accepted.Enqueue(_executor.Submit(() => Task.CompletedTask));
            }
            catch (InvalidOperationException)
            {
                Interlocked.Increment(ref _refused);
            }
        }

        public void Shutdown(bool cancelPending) => _ = _executor.ShutdownAsync(wait: false, cancelPending);

        public string Outcome()
        {
            if (_outcome is null)
            {
                _hold.TrySetResult();
                _executor.ShutdownAsync().Wait(TimeSpan.FromSeconds(30));
                var tasks = _accepted.ToArray();
                Task.WhenAll(tasks).ContinueWith(static _ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(30));
                _outcome = $"refused {_refused}, completed {tasks.Count(t => t.IsCompletedSuccessfully)}, canceled {tasks.Count(t => t.IsCanceled)}, open {tasks.Count(t => !t.IsCompleted)}";
            }

            return _outcome;
        }
    }
}
