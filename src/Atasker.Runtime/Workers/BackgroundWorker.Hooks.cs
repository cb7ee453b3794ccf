using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <content>What the four concrete workers override and call: when an execution is due, how it is made, how a run
/// continues with the next item, and how new input wakes the worker.</content>
public abstract partial class BackgroundWorker
{
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

    /// <summary>Writes a log entry once Gate is released (call under Gate).</summary>
    private protected void LogAfterGate(Action<Microsoft.Extensions.Logging.ILogger> write) => _effects.Log(write);

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
    /// <summary>A snapshot of the worker: its type, state, counts, and next scheduled execution.</summary>
#pragma warning disable CA1024 // A snapshot made on each call, as TaskSupervisor.GetInfo().
    public WorkerInfo GetInfo() => new(Name, Type, IsActive, Executions, Failures, LastExecuted, DrainCount)
    {
        NextRun = NextScheduled,
        Priority = _priority,
        Kind = _kind,
    };
#pragma warning restore CA1024

    /// <summary>When the next execution is due by the schedule (interval and cron workers, while started).</summary>
    private protected virtual DateTimeOffset? NextScheduled => null;

    DoneSignal ISupervisedWorker.BeginStop(bool drain) => BeginStop(drain);

    WorkerInfo ISupervisedWorker.GetInfo() => GetInfo();

    /// <summary>The worker is becoming active at <paramref name="now"/> (under Gate): a scheduled worker sets its first
    /// due time.</summary>
    private protected virtual void StartSchedule(long now)
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
                MarkExecuted();
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
        if (_wait.Reason == WorkerWaitReason.Due)
        {
            Disarm();
        }

        Pump();
    }

    /// <summary>Raises the errors, writes the log entries and cancels the token that transitions under Gate left behind;
    /// called without it.</summary>
    private protected void Settle()
    {
        if (!_effects.Pending)
        {
            return;
        }

        WorkerEffects.Batch effects;
        lock (Gate)
        {
            effects = _effects.Take();
        }

        // A stop withdraws the execution still waiting for its slot: it ends Canceled without running, and its end
        // (OnRunFinished, here or on the thread the pool gave it to) lets the stop finish.
        effects.Withdraw?.Cancel();

        try
        {
            effects.Cancel?.Cancel();
        }
        catch (AggregateException)
        {
            // A callback a body registered on the token threw; the token is canceled all the same.
        }

        var logger = Supervisor?.Logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        foreach (var write in effects.Logs ?? [])
        {
            write(logger);
        }

        foreach (var error in effects.Errors ?? [])
        {
            Log.WorkerFailed(logger, error.Exception, Name);
            EventRaiser.Raise(Error, this, error);
        }

        // Last: whoever waits for the stop (a supervisor's stop runs its next steps here) sees the errors raised and the
        // subclass's OnStopped done.
        if (effects.Stopped is { } stopped)
        {
            RunStoppedHook(logger);
            stopped.Set();
        }
    }

    private void RunStoppedHook(Microsoft.Extensions.Logging.ILogger logger)
    {
        try
        {
            OnStopped();
        }
#pragma warning disable CA1031 // A failing hook is the subclass's error, raised like an execution's; the stop completes.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Log.WorkerFailed(logger, exception, Name);
            EventRaiser.Raise(Error, this, new WorkerErrorEventArgs(this, exception, hasItem: false, item: null));
        }
    }

    /// <summary>What a subclass's execution throws when the subclass overrides neither Run nor RunAsync; the worker stops
    /// (keeping a queue worker's items), so the mistake is raised once, not once per execution.</summary>
    private protected Exception BodyNotOverridden()
    {
        _ = BeginStop(drain: false);
        return new NotImplementedException(
            $"Worker '{Name}' ({GetType().Name}) was made with the constructor for subclasses but overrides neither Run nor RunAsync; the worker stops.");
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
}
