using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atasker;

/// <summary>
/// Runs admitted process tasks in long-lived worker processes, one task per worker at a time: an idle worker is
/// reused, otherwise one is started (the pool's limits bound how many are busy). A task whose worker cannot start,
/// dies or breaks the protocol fails alone; that worker is discarded and the next task gets a fresh one.
/// </summary>
internal sealed class ProcessExecutor : IExecutor
{
    private readonly object _gate = new();
    private readonly SupervisorClock _clock;

    public ProcessExecutor(SupervisorClock clock) => _clock = clock;

    /// <summary>Where a lost worker process is logged (the supervisor's logger).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;
    private readonly Stack<ProcessWorker> _idle = new();
    private readonly Dictionary<ProcessWorker, TaskHandle> _busy = [];
    private ProcessWorkerCommand? _command;
    private IRemoteProcessPool? _remote;

    /// <summary>How workers are started (default: the current app in worker mode).</summary>
    public ProcessWorkerCommand Command
    {
        get
        {
            lock (_gate)
            {
                return _command ??= ProcessWorkerCommand.ForCurrentApp();
            }
        }

        set
        {
            lock (_gate)
            {
                _command = value;
            }
        }
    }

    /// <summary>How long a new worker may take to connect.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Workers alive now (idle or busy).</summary>
    public int WorkerCount
    {
        get
        {
            lock (_gate)
            {
                return _idle.Count + _busy.Count;
            }
        }
    }

    /// <summary>Where tasks run instead of local worker processes, when set.</summary>
    public IRemoteProcessPool? Remote
    {
        get => Volatile.Read(ref _remote);
        set => Volatile.Write(ref _remote, value);
    }

    public void Dispatch(TaskHandle item)
    {
        var task = (IProcessTask)item;
        _ = Remote is { } remote ? RunRemoteAsync(task, remote) : RunAsync(task);
    }

    /// <summary>Kills, after <paramref name="grace"/>, the workers still running the tasks they run now: a stop that
    /// cancels tasks must end even when a body ignores its token (and must not touch tasks submitted after it).</summary>
    public void KillBusyAfter(TimeSpan grace)
    {
        KeyValuePair<ProcessWorker, TaskHandle>[] running;
        lock (_gate)
        {
            running = [.. _busy];
        }

        // On the supervisor's clock: a starved .NET ThreadPool must not keep the stop waiting for a stubborn body.
        _clock.After(grace, () =>
        {
            foreach (var (worker, task) in running)
            {
                bool stillRunning;
                lock (_gate)
                {
                    stillRunning = _busy.TryGetValue(worker, out var current) && current == task;
                }

                if (stillRunning)
                {
                    worker.Kill();
                }
            }
        });
    }

    /// <summary>Closes every idle worker (they see their pipe end and exit; one that lingers is killed later); busy
    /// ones are closed when their task ends. Waits for nothing.</summary>
    public void Shutdown()
    {
        ProcessWorker[] idle;
        lock (_gate)
        {
            idle = [.. _idle];
            _idle.Clear();
        }

        foreach (var worker in idle)
        {
            worker.Close(_clock);
        }
    }

    private async Task RunAsync(IProcessTask task)
    {
        var handle = task.Handle;
        ProcessWorker worker;
        try
        {
            worker = TakeIdle() ?? await ProcessWorker.StartAsync(Command, StartTimeout, _clock).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The failure to start a worker belongs on the task's handle.
        catch (Exception error)
#pragma warning restore CA1031
        {
            long now = _clock.Now;
            bool began = handle.TryBegin(now);
            _ = handle.End(began ? TaskState.Faulted : TaskState.Canceled, began ? error : null, now, takeNext: false);
            return;
        }

        if (!handle.TryBegin(_clock.Now))
        {
            Return(worker, healthy: true);
            _ = handle.End(TaskState.Canceled, null, _clock.Now, takeNext: false);
            return;
        }

        // The task's activity spans the round trip; this method's flow goes on under the one it had.
        handle.StartTrace().End();

        lock (_gate)
        {
            _busy.Add(worker, handle);
        }

        TaskState outcome;
        Exception? failure = null;
        bool healthy = true;
        using (handle.CancellationToken.UnsafeRegister(static state => ((Action)state!)(), (Action)(() => worker.RequestCancel(handle.Id))))
        {
            try
            {
                var frame = await worker.RunAsync(handle.Id, handle.Name, task.MethodId, task.Arguments).ConfigureAwait(false);
                (outcome, failure) = Interpret(task, ProcessTaskReply.From(Outcome(frame.Kind), worker.ProcessId, Environment.MachineName, frame.Payload));
            }
            catch (ProcessWorkerException error)
            {
                healthy = false;
                (outcome, failure) = handle.IsCancellationRequested ? (TaskState.Canceled, null) : (TaskState.Faulted, error);
                if (failure is not null)
                {
                    Log.ProcessWorkerLost(Logger, worker.ProcessId, handle.Name ?? "task", handle.Id, error.Message);
                }
            }
        }

        lock (_gate)
        {
            _busy.Remove(worker);
        }

        Return(worker, healthy);
        _ = handle.End(outcome, failure, _clock.Now, takeNext: false);
    }

    private static (TaskState, Exception?) Interpret(IProcessTask task, ProcessTaskReply reply)
    {
        try
        {
            switch (reply.Outcome)
            {
                case ProcessTaskOutcome.Completed:
                    task.ReadResult(new ProcessReader(reply.Payload));
                    return (TaskState.Completed, null);
                case ProcessTaskOutcome.Canceled:
                    return (TaskState.Canceled, null);
                case ProcessTaskOutcome.Faulted:
                    var (type, message, stackTrace) = reply.ReadFault();
                    return (TaskState.Faulted, new ProcessTaskException(task.Handle.Name, reply, type, message, stackTrace));
                default:
                    return (TaskState.Faulted, new ProcessWorkerException(reply.Reason ?? $"The {reply.Where} could not run the task."));
            }
        }
        catch (ProcessProtocolException error)
        {
            return (TaskState.Faulted, new ProcessWorkerException($"The result of '{task.Handle.Name}' from {reply.Where} could not be decoded: {error.Message}", error));
        }
    }

    /// <summary>
    /// Sends the task to the remote pool. The handle begins when it is handed over, and ends with the reply, with
    /// the pool's failure, or Canceled as soon as it is canceled (the pool gets the handle's token to tell the remote
    /// side; a late reply is dropped).
    /// </summary>
    private async Task RunRemoteAsync(IProcessTask task, IRemoteProcessPool remote)
    {
        var handle = task.Handle;
        if (!handle.TryBegin(_clock.Now))
        {
            _ = handle.End(TaskState.Canceled, null, _clock.Now, takeNext: false);
            return;
        }

        handle.StartTrace().End();
        TaskState outcome;
        Exception? failure;
        try
        {
            var request = new RemoteTaskRequest(handle.Id, handle.Name, handle.Priority, task.MethodId, task.Arguments);
            var reply = await remote.RunAsync(request, handle.CancellationToken)
                .WaitAsync(handle.CancellationToken).ConfigureAwait(false);
            (outcome, failure) = Interpret(task, reply);
        }
        catch (OperationCanceledException) when (handle.IsCancellationRequested)
        {
            (outcome, failure) = (TaskState.Canceled, null);
        }
#pragma warning disable CA1031 // The remote pool's failure belongs on the task's handle.
        catch (Exception error)
#pragma warning restore CA1031
        {
            (outcome, failure) = (TaskState.Faulted, error);
        }

        _ = handle.End(outcome, failure, _clock.Now, takeNext: false);
    }

    private static ProcessTaskOutcome Outcome(ProcessFrameKind kind) => kind switch
    {
        ProcessFrameKind.Result => ProcessTaskOutcome.Completed,
        ProcessFrameKind.Fault => ProcessTaskOutcome.Faulted,
        ProcessFrameKind.Canceled => ProcessTaskOutcome.Canceled,
        _ => ProcessTaskOutcome.Refused,
    };

    private ProcessWorker? TakeIdle()
    {
        lock (_gate)
        {
            return _idle.TryPop(out var worker) ? worker : null;
        }
    }

    private void Return(ProcessWorker worker, bool healthy)
    {
        if (healthy)
        {
            lock (_gate)
            {
                _idle.Push(worker);
                return;
            }
        }

        worker.Kill();
        worker.Close(_clock);
    }
}
