using System;
using System.Collections.Generic;
using System.Threading;

namespace Atasker;

/// <summary>
/// What a worker's transitions under its gate leave to be done once the gate is released: errors to raise, the
/// activation's token to cancel, an execution to withdraw, log entries to write, a stop to signal. None of it may run under the gate
/// (handlers, token callbacks and loggers are user code). Noted under the gate, taken under it, run without it.
/// </summary>
internal sealed class WorkerEffects
{
    private volatile bool _pending;
    private List<WorkerErrorEventArgs>? _errors;
    private CancellationTokenSource? _cancel;
    private TaskHandle? _withdraw;
    private DoneSignal? _stopped;
    private List<Action<Microsoft.Extensions.Logging.ILogger>>? _logs;

    /// <summary>Whether anything is noted (read without the gate: a stale false only delays nothing, because whoever
    /// notes something settles after it).</summary>
    public bool Pending => _pending;

    public void AddError(WorkerErrorEventArgs error)
    {
        (_errors ??= []).Add(error);
        _pending = true;
    }

    /// <summary>Cancels <paramref name="cancellation"/> once the gate is released, unless it is already canceled.</summary>
    public void Cancel(CancellationTokenSource? cancellation)
    {
        if (cancellation is not null && !cancellation.IsCancellationRequested)
        {
            _cancel = cancellation;
            _pending = true;
        }
    }

    /// <summary>Cancels an execution that has not started (a stop withdraws it).</summary>
    public void Withdraw(TaskHandle run)
    {
        _withdraw = run;
        _pending = true;
    }

    /// <summary>Writes a log entry once the gate is released (a logger may block, or be user code).</summary>
    public void Log(Action<Microsoft.Extensions.Logging.ILogger> write)
    {
        (_logs ??= []).Add(write);
        _pending = true;
    }

    /// <summary>Sets the stop's signal last, after the errors are raised.</summary>
    public void SignalStopped(DoneSignal stopped)
    {
        _stopped = stopped;
        _pending = true;
    }

    /// <summary>Takes everything noted (under the gate), leaving nothing.</summary>
    public Batch Take()
    {
        var batch = new Batch(_errors, _cancel, _withdraw, _stopped, _logs);
        _errors = null;
        _logs = null;
        _cancel = null;
        _withdraw = null;
        _stopped = null;
        _pending = false;
        return batch;
    }

    /// <summary>What <see cref="Take"/> took, to run without the gate.</summary>
    internal readonly record struct Batch(List<WorkerErrorEventArgs>? Errors, CancellationTokenSource? Cancel, TaskHandle? Withdraw, DoneSignal? Stopped, List<Action<Microsoft.Extensions.Logging.ILogger>>? Logs);
}
