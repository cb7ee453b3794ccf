using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>
/// An object that keeps creating executions of one body: again and again (<see cref="LoopWorker"/>), on an interval
/// (<see cref="IntervalWorker"/>), per trigger (<see cref="EventWorker"/>) or per item (<see cref="QueueWorker{T}"/>).
/// The <c>[BackgroundWorker]</c> attribute generates one per method; the constructors take a delegate.
/// </summary>
/// <remarks>
/// <para>Every execution is one task on the supervisor's pool with the worker's <see cref="Priority"/>, so workers obey
/// the pool's limits and reserves, and a worker that waits holds no slot and no thread. Executions of one worker never
/// overlap. An execution that throws raises <see cref="Error"/> and counts in <see cref="Failures"/>; the worker goes
/// on. A body that returns false stops its worker. Waits (interval, delays, an empty queue) are timers, so
/// <see cref="Stop"/> of a waiting worker returns at once.</para>
/// <para>The body's <see cref="CancellationToken"/> is the worker's: it is canceled when a stop begins (for a queue
/// worker, once the items it drains are done).</para>
/// <para>Every public member is thread-safe.</para>
/// </remarks>
[SuppressMessage("Design", "CA1001", Justification = "The token sources are only canceled, never given a wait handle or a timer; bodies may hold their tokens after the worker stops, so they are not disposed.")]
public abstract class BackgroundWorker
{
    private const int Stopped = 0;
    private const int Running = 1;
    private const int Stopping = 2;

    /// <summary>The most executions one run handles before giving its slot back (see <see cref="TryContinueRun"/>).</summary>
    private const int MaxExecutionsPerRun = 256;

    [ThreadStatic]
    private static BackgroundWorker? t_executing;

    private readonly bool _asyncBody;
    private TaskPriority _priority = TaskPriority.Normal;
    private TaskKind _kind;
    private string? _loop;
    private TimeSpan _delay;
    private TimeSpan _delayBefore;

    // The activation: written under Gate. _phase and _run are also read without it.
    private int _phase;
    private TaskSupervisor? _supervisor;
    private CancellationTokenSource? _cancellation;
    private DoneSignal _stopped = DoneSignal.Completed();
    private bool _draining;
    private int _drainLeft;
    private TaskHandle? _run;
    private bool _triggered;

    // The one wait in progress (a timer on the supervisor's clock), if any.
    private ClockTimer? _timer;
    private SupervisorClock? _timerClock;
    private Wait _waiting;
    private long _waitUntil;
    private bool _delayedBefore;

    // What to do once Gate is released: raise errors, cancel the activation's token, signal the end of a stop.
    private volatile bool _aftermath;
    private List<WorkerErrorEventArgs>? _errors;
    private CancellationTokenSource? _cancelAfter;
    private TaskHandle? _cancelRun;
    private DoneSignal? _aftermathStopped;

    // How many items the current run has handled (a queue worker's run may handle several, see TryContinueRun).
    private int _runItems;

    private long _executions;
    private long _failures;
    private long _lastExecuted;

    private protected BackgroundWorker(string name, bool asyncBody)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _asyncBody = asyncBody;
        _kind = asyncBody ? TaskKind.Async : TaskKind.Thread;
    }

    private enum Wait
    {
        None,
        Due,
        Before,
        After,
    }

    /// <summary>Raised when an execution fails (or a queue item's execution is canceled); the worker goes on. Raised
    /// on the thread that ran the execution; an exception thrown by a handler is ignored.</summary>
    public event EventHandler<WorkerErrorEventArgs>? Error;

    /// <summary>The worker's name: the name of its executions' tasks and the name in every message about it.</summary>
    public string Name { get; }

    /// <summary>Whether the worker is started and not stopping.</summary>
    public bool IsActive => Volatile.Read(ref _phase) == Running;

    /// <summary>How many executions have ended (including failed ones).</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>How many executions have failed.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>When the last execution started (to the millisecond), or null if none has.</summary>
    public DateTimeOffset? LastExecuted => Interlocked.Read(ref _lastExecuted) is var started and not 0 && Supervisor is { } supervisor
        ? supervisor.Clock.CoarseToUtc(started)
        : null;

    /// <summary>The supervisor the worker runs on (or last ran on); null before its first start.</summary>
    public TaskSupervisor? Supervisor => Volatile.Read(ref _supervisor);

    /// <summary>The priority of every execution (default <see cref="TaskPriority.Normal"/>); a change applies from
    /// the next execution.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a <see cref="TaskPriority"/>.</exception>
    public TaskPriority Priority
    {
        get => _priority;
        set
        {
            if ((uint)value > (uint)TaskPriority.Critical)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Worker '{Name}': {value} is not a TaskPriority.");
            }

            _priority = value;
        }
    }

    /// <summary>Where executions run: <see cref="TaskKind.Async"/> (an async loop) by default for an awaitable body,
    /// <see cref="TaskKind.Thread"/> for a sync one. An awaitable body may be moved to threads; a sync body may not run on
    /// a loop, and no worker runs as <see cref="TaskKind.Process"/>. Applies from the next start.</summary>
    /// <exception cref="ArgumentException">The kind cannot run this worker's body.</exception>
    public TaskKind Kind
    {
        get => _kind;
        set
        {
            if (value == TaskKind.Process)
            {
                throw new ArgumentException(
                    $"Worker '{Name}': TaskKind.Process is not supported for workers; start a process task from the worker's body instead.",
                    nameof(value));
            }

            if (value == TaskKind.Async && !_asyncBody)
            {
                throw new ArgumentException($"Worker '{Name}' has a sync body, which would block an async loop; it runs as TaskKind.Thread.", nameof(value));
            }

            if (value is not (TaskKind.Async or TaskKind.Thread))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Worker '{Name}': {value} is not a TaskKind.");
            }

            _kind = value;
        }
    }

    /// <summary>The async loop an awaitable body runs on (null: the supervisor's default loop). Applies from the next
    /// start, which fails if the supervisor has no such loop.</summary>
    public string? Loop
    {
        get => _loop;
        set => _loop = value;
    }

    /// <summary>The pause after each execution ends (default none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan Delay
    {
        get => _delay;
        set => _delay = ValidDuration(value, nameof(Delay));
    }

    /// <summary>The pause before each execution starts (default none).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or longer than <see cref="TaskSupervisor.MaxDelay"/>.</exception>
    public TimeSpan DelayBefore
    {
        get => _delayBefore;
        set => _delayBefore = ValidDuration(value, nameof(DelayBefore));
    }

    /// <summary>The lock every transition of the worker takes.</summary>
    private protected Gate Gate { get; } = new();

    /// <summary>
    /// Starts the worker on <paramref name="supervisor"/> (<see cref="TaskSupervisor.Default"/> when null), starting the
    /// supervisor if it never started.
    /// </summary>
    /// <returns>False when the worker is already active (it keeps running where it runs).</returns>
    /// <exception cref="InvalidOperationException">The worker is still stopping, or the supervisor is stopping or
    /// stopped.</exception>
    /// <exception cref="ArgumentException">The worker's <see cref="Loop"/> does not exist on the supervisor.</exception>
    public bool Start(TaskSupervisor? supervisor = null) => TryStart(supervisor) switch
    {
        Running => false,
        Stopping => throw new InvalidOperationException($"Worker '{Name}' is still stopping; call Start() once Stop has finished (await StopAsync())."),
        _ => true,
    };

    /// <summary>
    /// Stops the worker: a waiting worker stops at once, a running execution is let finish (its token is canceled), and
    /// a queue worker first runs every item put before the stop. Returns at once when the worker is not active.
    /// </summary>
    /// <param name="wait">Whether to block until the stop has finished.</param>
    /// <exception cref="InvalidOperationException"><paramref name="wait"/> is true and the caller is the worker's own
    /// execution, which the stop would wait for (return false from the body, or use <c>Stop(wait: false)</c>).</exception>
    public void Stop(bool wait = true)
    {
        if (wait)
        {
            ThrowIfOwnExecution(nameof(Stop));
        }

        var stopped = BeginStop(drain: true);
        if (wait)
        {
            stopped.Wait();
        }
    }

    /// <summary>Stops like <see cref="Stop"/>; the task ends when the stop has finished.</summary>
    public Task StopAsync() => BeginStop(drain: true).Task;

    /// <summary>Stops the worker, waits for the stop to finish, and starts it again on the same supervisor: the old and
    /// the new executions never overlap. Called from the worker's own execution, the start happens once that execution
    /// has ended.</summary>
    public void Restart()
    {
        var supervisor = Supervisor;
        if (IsOwnExecution())
        {
            RestartAfter(BeginStop(drain: true), supervisor);
            return;
        }

        // Another restart (or stop) may begin in between: start only a worker that is fully stopped.
        while (true)
        {
            BeginStop(drain: true).Wait();
            if (TryStart(supervisor) != Stopping)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} '{Name}' ({(IsActive ? "active" : "stopped")}, {Executions} executions)";

    // ---------------------------------------------------------------------------------------------------------
    // Used by the supervisor and the runs.

    /// <summary>Begins a stop; with <paramref name="drain"/> false a queue worker keeps its items for the next start
    /// instead of running them, and the token is canceled at once. The signal is set by the thread that finishes the
    /// stop.</summary>
    internal DoneSignal BeginStop(bool drain)
    {
        DoneSignal stopped;
        lock (Gate)
        {
            EnterStopping(drain);
            stopped = _stopped;
            Pump();
        }

        Settle();
        return stopped;
    }

    /// <summary>Called by a run when it has ended (before anyone waiting for its handle is woken).</summary>
    internal void OnRunFinished(TaskHandle run)
    {
        lock (Gate)
        {
            // A full fence: a put that still sees this run, and so does not wake the worker, put its item before this
            // point, and the Pump below sees it.
            _ = Interlocked.Exchange(ref _run, null);
            bool stopRequested = false;
            Exception? failure = null;
            switch (run.State)
            {
                case TaskState.Faulted:
                    // A body that gives up on the worker's canceled token has done what the stop asked.
                    if (run.Exception is not OperationCanceledException || _cancellation?.IsCancellationRequested != true)
                    {
                        failure = run.Exception;
                    }

                    break;
                case TaskState.Canceled:
                    if (TryGetRunItem(out var item))
                    {
                        AddError(new OperationCanceledException(
                            $"Worker '{Name}': the execution for item '{item}' was canceled (by its supervisor's stop) before it finished."));
                    }

                    break;
                case TaskState.Completed:
                    stopRequested = run is TaskHandle<bool> { Result: false };
                    break;
            }

            // An execution withdrawn before it started (by a stop) is not one. Its failure is recorded while its item
            // is still known.
            bool executed = run.HasStarted;
            if (executed)
            {
                RecordOutcome(failure);
            }

            OnRunEnded();
            if (stopRequested)
            {
                EnterStopping(drain: false);
            }
            else if (_phase == Running && _delay > TimeSpan.Zero)
            {
                var clock = _supervisor!.Clock;
                Arm(Wait.After, clock.Now + clock.ToUnits(_delay));
            }

            // Counted once the wait after it is armed: whoever sees the count (lock-free) finds the next wait measured
            // from the end of this execution, whatever the time is now.
            if (executed)
            {
                CountExecution();
            }

            Pump();
        }

        Settle();
    }

    /// <summary>Marks the calling thread as running this worker's execution (a body on a supervisor thread) until the
    /// returned scope is disposed.</summary>
    internal ExecutionScope EnterExecution()
    {
        var outer = t_executing;
        t_executing = this;
        MarkExecuted();
        return new ExecutionScope(outer);
    }

    // A millisecond clock: read once per execution, it must cost next to nothing (a queue worker's item is ~50 ns).
    internal void MarkExecuted() => Interlocked.Exchange(ref _lastExecuted, _supervisor!.Clock.CoarseNow);

    // ---------------------------------------------------------------------------------------------------------
    // For the concrete workers, called under Gate.

    /// <summary>Whether an execution should start now; if not, when to look again (long.MaxValue: when signalled).</summary>
    private protected abstract bool IsDue(long now, out long dueAt);

    /// <summary>Creates the next execution (without consuming anything: the submission may still fail).</summary>
    private protected abstract TaskHandle CreateRun(CancellationToken cancellationToken);

    /// <summary>The execution made by <see cref="CreateRun"/> was accepted by the pool.</summary>
    private protected virtual void OnRunAccepted(long now) => _triggered = false;

    /// <summary>The current execution has ended (or was never accepted).</summary>
    private protected virtual void OnRunEnded()
    {
    }

    /// <summary>The item of the current execution, for error reports.</summary>
    private protected virtual bool TryGetRunItem(out object? item)
    {
        item = null;
        return false;
    }

    /// <summary>How many executions a draining stop still runs (a queue worker's items).</summary>
    private protected virtual int DrainCount => 0;

    /// <summary>Which of the four workers this is.</summary>
    private protected abstract WorkerType Type { get; }

    /// <summary>A snapshot of the worker, for <see cref="SupervisorInfo.Workers"/>.</summary>
    internal WorkerInfo GetInfo() => new(Name, Type, IsActive, Executions, Failures, LastExecuted, DrainCount);

    /// <summary>The worker is starting.</summary>
    private protected virtual void OnStarting(long now)
    {
    }

    /// <summary>
    /// For a run that can handle several executions back to back (a queue worker's sync body): after one has ended
    /// (with <paramref name="failure"/>, or successfully), accounts for it and takes the next into the same run, so
    /// a stream of items costs one pool task per batch instead of one per item. Only while nothing else waits for a
    /// slot in the pool, no delay applies, and up to <see cref="MaxExecutionsPerRun"/>; otherwise returns false and the
    /// run ends with that execution's outcome, as any run does.
    /// </summary>
    private protected bool TryContinueRun(Exception? failure)
    {
        bool next = false;
        lock (Gate)
        {
            // Only queue workers continue runs, and they do not look at the time.
            bool more = _phase == Running
                ? _delay == TimeSpan.Zero && _delayBefore == TimeSpan.Zero && IsDue(0, out _)
                : _phase == Stopping && _draining && _drainLeft > 0;
            if (more && _runItems < MaxExecutionsPerRun && _run?.Pool.HasWaiting == false)
            {
                RecordOutcome(failure);
                CountExecution(); // no wait follows: a continued run has no delay
                OnRunEnded();
                if (_phase == Stopping)
                {
                    _drainLeft--;
                }

                _runItems++;
                TakeNextIntoRun();
                Volatile.Write(ref _lastExecuted, _supervisor!.Clock.CoarseNow);
                next = true;
            }
        }

        Settle();
        return next;
    }

    /// <summary>Makes the next execution's input current in a run that continues (see <see cref="TryContinueRun"/>).</summary>
    private protected virtual void TakeNextIntoRun()
    {
    }

    /// <summary>Whether a trigger is pending (set by <see cref="Signal"/>, cleared when an execution is accepted).</summary>
    private protected bool Triggered => _triggered;

    /// <summary>Wakes the worker for new input put without Gate, unless an execution is in progress: it looks for more
    /// input when it ends (the caller made its input visible with a full fence first).</summary>
    private protected void WakeIfIdle()
    {
        if (Volatile.Read(ref _run) is not null)
        {
            return;
        }

        Signal(trigger: false);
    }

    /// <summary>Notes a trigger (when <paramref name="trigger"/>) and lets the worker look for work: cuts a wait for the
    /// next due time short, never a delay. Takes Gate; the caller must not hold it.</summary>
    private protected void Signal(bool trigger)
    {
        lock (Gate)
        {
            SignalLocked(trigger);
        }

        Settle();
    }

    /// <summary><see cref="Signal"/> for a caller that holds Gate; it must call <see cref="Settle"/> after releasing it.
    /// A stopped worker only keeps the trigger (a stopping one always has an execution in progress).</summary>
    private protected void SignalLocked(bool trigger)
    {
        Debug.Assert(Gates.IsHeld(Gate), "SignalLocked without the worker's gate.");
        _triggered |= trigger;
        if (_waiting == Wait.Due)
        {
            Disarm();
        }

        Pump();
    }

    /// <summary>Raises the errors and cancels the token that transitions under Gate left behind; called without it.</summary>
    private protected void Settle()
    {
        if (!_aftermath)
        {
            return;
        }

        List<WorkerErrorEventArgs>? errors;
        CancellationTokenSource? cancel;
        TaskHandle? cancelRun;
        DoneSignal? stopped;
        lock (Gate)
        {
            errors = _errors;
            cancel = _cancelAfter;
            cancelRun = _cancelRun;
            stopped = _aftermathStopped;
            _errors = null;
            _cancelAfter = null;
            _cancelRun = null;
            _aftermathStopped = null;
            _aftermath = false;
        }

        // A stop withdraws the execution still waiting for its slot: it ends Canceled without running, and its end
        // (OnRunFinished, here or on the thread the pool gave it to) lets the stop finish.
        cancelRun?.Cancel();

        try
        {
            cancel?.Cancel();
        }
        catch (AggregateException)
        {
            // A callback a body registered on the token threw; the token is canceled all the same.
        }

        foreach (var error in errors ?? [])
        {
            Log.WorkerFailed(Supervisor?.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, error.Exception, Name);
            EventRaiser.Raise(Error, this, error);
        }

        // Last: whoever waits for the stop (a supervisor's stop runs its next steps here) sees the errors raised.
        stopped?.Set();
    }

    /// <summary>Throws when the caller is this worker's execution (or would block the loop it needs).</summary>
    private protected void ThrowIfOwnExecution(string operation)
    {
        if (IsOwnExecution())
        {
            throw new InvalidOperationException(
                $"{operation}() was called from an execution of worker '{Name}' and would wait for that execution itself; return false from the body, or call Stop(wait: false).");
        }
    }

    private protected bool IsOwnExecution() =>
        t_executing == this
        || (AsyncLoop.Current is { } loop && Volatile.Read(ref _run) is IAsyncTask { Loop: var runLoop } && runLoop == loop);

    // ---------------------------------------------------------------------------------------------------------

    /// <summary>Decides what happens next: nothing (an execution runs, or a wait is armed), an execution, a wait, or the
    /// end of a stop.</summary>
    private void Pump()
    {
        Debug.Assert(Gates.IsHeld(Gate), "Pump without the worker's gate.");
        if (_run is not null)
        {
            return;
        }

        switch (_phase)
        {
            case Stopped:
                return;
            case Stopping:
                if (_draining && _drainLeft > 0)
                {
                    _drainLeft--;
                    Submit(_supervisor!.Clock.Now);
                }
                else
                {
                    FinishStop();
                }

                return;
        }

        if (_waiting != Wait.None)
        {
            return;
        }

        var clock = _supervisor!.Clock;
        long now = clock.Now;
        if (!IsDue(now, out long dueAt))
        {
            if (dueAt != long.MaxValue)
            {
                Arm(Wait.Due, dueAt);
            }

            return;
        }

        if (_delayBefore > TimeSpan.Zero && !_delayedBefore)
        {
            _delayedBefore = true;
            Arm(Wait.Before, now + clock.ToUnits(_delayBefore));
            return;
        }

        _delayedBefore = false;
        Submit(now);
    }

    private void Submit(long now)
    {
        var run = CreateRun(_cancellation!.Token);
        try
        {
            _supervisor!.SubmitWorkerRun(run, new TaskMethodInfo(Name, _priority, kind: _kind, loop: _loop));
        }
        catch (Exception exception) when (exception is InvalidOperationException or ObjectDisposedException or ArgumentException)
        {
            // The supervisor is stopping or gone (or the loop was removed): the worker cannot go on. What it has not run
            // (a queue's items, a trigger) stays for the next start.
            OnRunEnded();
            AddError(new InvalidOperationException($"Worker '{Name}' could not submit an execution and stops: {exception.Message}", exception));
            EnterStopping(drain: false);
            FinishStop();
            return;
        }

        Volatile.Write(ref _run, run);
        _runItems = 1;
        OnRunAccepted(now);
    }

    /// <summary>Moves a running worker to Stopping (a draining stop first runs the items queued now), or makes a
    /// draining stop give up its drain; the token is canceled unless the worker drains.</summary>
    private void EnterStopping(bool drain)
    {
        if (_phase == Running)
        {
            Volatile.Write(ref _phase, Stopping);
            _drainLeft = drain ? DrainCount : 0;
            _draining = _drainLeft > 0;
            Disarm();
            _delayedBefore = false;
        }
        else if (_phase == Stopping && !drain)
        {
            _draining = false;
            _drainLeft = 0;
        }

        if (_phase == Stopping && !_draining)
        {
            CancelAfter(_cancellation);

            // An execution that has not started yet is not waited for: the stop withdraws it. Not a queue worker's
            // execution of an item when the stop drains: that item is part of what it drains (a stop that does not
            // drain withdraws it and reports the item, as for any canceled execution).
            if (_run is { State: TaskState.Queued or TaskState.Delayed } run && !(drain && TryGetRunItem(out _)))
            {
                _cancelRun = run;
                _aftermath = true;
            }
        }
    }

    /// <summary>Counts an ended execution (read lock-free by <see cref="Executions"/>); called under Gate only.</summary>
    private void CountExecution() => Volatile.Write(ref _executions, _executions + 1);

    /// <summary>Reports an ended execution to telemetry, and counts and raises its failure if it failed.</summary>
    private void RecordOutcome(Exception? failure)
    {
        AtaskerTelemetry.OnWorkerExecution(this, failed: failure is not null);
        if (failure is not null)
        {
            Interlocked.Increment(ref _failures);
            AddError(failure);
        }
    }

    private void FinishStop()
    {
        Volatile.Write(ref _phase, Stopped);
        Disarm();
        CancelAfter(_cancellation);
        _supervisor!.RemoveWorker(this);
        _aftermathStopped = _stopped;
        _aftermath = true;
    }

    /// <summary>Waits on the supervisor's clock until <paramref name="until"/>: its thread hands the worker back to
    /// <see cref="Pump"/>, so a starved .NET ThreadPool delays no execution.</summary>
    private void Arm(Wait reason, long until)
    {
        _waiting = reason;
        _waitUntil = until;
        var clock = _supervisor!.Clock;
        if (_timerClock != clock)
        {
            _timer?.Disarm();
            _timer = clock.CreateTimer(static state => ((BackgroundWorker)state!).OnTimer(), this);
            _timerClock = clock;
        }

        _timer!.Arm(until);
    }

    private void Disarm()
    {
        Debug.Assert(Gates.IsHeld(Gate), "Disarm without the worker's gate.");
        if (_waiting != Wait.None)
        {
            _waiting = Wait.None;
            _timer?.Disarm();
        }
    }

    private void OnTimer()
    {
        lock (Gate)
        {
            if (_waiting == Wait.None)
            {
                return; // Disarmed after it fired.
            }

            if (_supervisor!.Clock.Now < _waitUntil)
            {
                _timer!.Arm(_waitUntil); // Left over from an earlier wait.
                return;
            }

            _waiting = Wait.None;
            Pump();
        }

        Settle();
    }

    private void AddError(Exception exception)
    {
        bool hasItem = TryGetRunItem(out var item);
        (_errors ??= []).Add(new WorkerErrorEventArgs(this, exception, hasItem, item));
        _aftermath = true;
    }

    private void CancelAfter(CancellationTokenSource? cancellation)
    {
        if (cancellation is not null && !cancellation.IsCancellationRequested)
        {
            _cancelAfter = cancellation;
            _aftermath = true;
        }
    }

    /// <summary>Starts the worker again once <paramref name="stopped"/> is set, on the thread that sets it (the
    /// worker's own execution asked for the restart, so it cannot wait for the stop itself).</summary>
    private void RestartAfter(DoneSignal stopped, TaskSupervisor? supervisor) => stopped.OnDone(() =>
    {
        try
        {
            if (TryStart(supervisor) == Stopping)
            {
                RestartAfter(BeginStop(drain: true), supervisor);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or ObjectDisposedException)
        {
            lock (Gate)
            {
                AddError(new InvalidOperationException($"Worker '{Name}' could not restart: {exception.Message}", exception));
            }

            Settle();
        }
    });

    /// <summary>Starts the worker if it is stopped (returns <see cref="Stopped"/>, the phase it was in); returns
    /// <see cref="Running"/> or <see cref="Stopping"/> and does nothing otherwise.</summary>
    private int TryStart(TaskSupervisor? supervisor)
    {
        supervisor ??= TaskSupervisor.Default;
        lock (Gate)
        {
            if (_phase != Stopped)
            {
                return _phase;
            }

            if (_kind == TaskKind.Async)
            {
                _ = supervisor.LoopFor(_loop, $"worker '{Name}'");
            }

            supervisor.AddWorker(this);
            Volatile.Write(ref _supervisor, supervisor);
            _cancellation = new CancellationTokenSource();
            _stopped = new DoneSignal();
            _draining = false;
            _drainLeft = 0;
            _delayedBefore = false;
            Volatile.Write(ref _phase, Running);
            OnStarting(supervisor.Clock.Now);
            Pump();
        }

        Settle();
        return Stopped;
    }

    /// <summary>Checks a duration setting: from 0 to <see cref="TaskSupervisor.MaxDelay"/>.</summary>
    private protected TimeSpan ValidDuration(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > TaskSupervisor.MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"Worker '{Name}': {name} must be between 0 and {TaskSupervisor.MaxDelay}.");
        }

        return value;
    }

    /// <summary>Restores the thread's previous execution mark (see <see cref="EnterExecution"/>).</summary>
    internal readonly struct ExecutionScope(BackgroundWorker? outer) : IDisposable
    {
        public void Dispose() => t_executing = outer;
    }
}
