using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

/// <content>The worker's transitions, all under <see cref="Gate"/>: the pump that decides what happens next, the
/// submission of an execution, its end, stops and restarts. What they leave to do without the gate is in
/// <see cref="WorkerEffects"/>, the wait in <see cref="WorkerWait"/>, the counts in <see cref="WorkerCounters"/>.</content>
public abstract partial class BackgroundWorker
{
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
                Arm(WorkerWaitReason.After, clock.Now + clock.ToUnits(_delay));
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

    /// <summary>Notes when the current execution started (see <see cref="LastExecuted"/>).</summary>
    internal void MarkExecuted() => _counters.MarkExecuted(_supervisor!.Clock);

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

        if (_wait.Reason != WorkerWaitReason.None)
        {
            return;
        }

        var clock = _supervisor!.Clock;
        long now = clock.Now;
        if (!IsDue(now, out long dueAt))
        {
            if (dueAt != long.MaxValue)
            {
                Arm(WorkerWaitReason.Due, dueAt);
            }

            return;
        }

        if (_delayBefore > TimeSpan.Zero && !_delayedBefore)
        {
            _delayedBefore = true;
            Arm(WorkerWaitReason.Before, now + clock.ToUnits(_delayBefore));
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
                _effects.Withdraw(run);
            }
        }
    }

    /// <summary>Counts an ended execution (read lock-free by <see cref="Executions"/>); called under Gate only.</summary>
    private void CountExecution() => _counters.CountExecution();

    /// <summary>Reports an ended execution to telemetry, and counts and raises its failure if it failed.</summary>
    private void RecordOutcome(Exception? failure)
    {
        AtaskerTelemetry.OnWorkerExecution(this, failed: failure is not null);
        if (failure is not null)
        {
            _counters.CountFailure();
            AddError(failure);
        }
    }

    private void FinishStop()
    {
        Volatile.Write(ref _phase, Stopped);
        Disarm();
        CancelAfter(_cancellation);
        _supervisor!.RemoveWorker(this);
        _effects.SignalStopped(_stopped);
    }

    /// <summary>Waits on the supervisor's clock until <paramref name="until"/> (see <see cref="WorkerWait"/>).</summary>
    private void Arm(WorkerWaitReason reason, long until) => _wait.Arm(reason, until, _supervisor!.Clock);

    private void Disarm()
    {
        Debug.Assert(Gates.IsHeld(Gate), "Disarm without the worker's gate.");
        _wait.Disarm();
    }

    private void OnTimer()
    {
        lock (Gate)
        {
            if (!_wait.TryEnd())
            {
                return; // Disarmed after it fired, or left over from an earlier wait (armed again).
            }

            Pump();
        }

        Settle();
    }

    private void AddError(Exception exception)
    {
        bool hasItem = TryGetRunItem(out var item);
        _effects.AddError(new WorkerErrorEventArgs(this, exception, hasItem, item));
    }

    private void CancelAfter(CancellationTokenSource? cancellation) => _effects.Cancel(cancellation);

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
#pragma warning disable CA1031 // Whatever stopped the start (an OnStarting of the subclass's too) is raised through Error.
        catch (Exception exception)
#pragma warning restore CA1031
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
            // A finished stop whose OnStopped is still running counts as stopping; a start whose OnStarting runs, as
            // running.
            if (_phase != Stopped || _starting || !_stopped.IsDone)
            {
                return _phase != Stopped ? _phase : _starting ? Running : Stopping;
            }

            if (_kind == TaskKind.Async)
            {
                _ = supervisor.LoopFor(_loop, $"worker '{Name}'");
            }

            _starting = true;
        }

        try
        {
            OnStarting();
        }
        catch
        {
            lock (Gate)
            {
                _starting = false;
            }

            throw;
        }

        lock (Gate)
        {
            _starting = false;
            supervisor.AddWorker(this);
            Volatile.Write(ref _supervisor, supervisor);
            _cancellation = new CancellationTokenSource();
            _stopped = new DoneSignal();
            _draining = false;
            _drainLeft = 0;
            _delayedBefore = false;
            Volatile.Write(ref _phase, Running);
            StartSchedule(supervisor.Clock.Now);
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
