using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Atasker;

// Longer than ~400 lines: every exit path of a process task (reply, lost worker, refused start, remote reply) ends in
// this file, through the same End, so that none is missed.

/// <summary>
/// Runs admitted process tasks in long-lived worker processes, one task per worker at a time: an idle worker is
/// reused, otherwise one is started on a thread of its own (the pool's limits bound how many are busy). Handing a task
/// over never blocks the thread that does it: the worker's writer thread sends it, and its reader thread ends the
/// handle with the reply. A task is Started once a worker has it.
/// </summary>
/// <remarks>
/// <para>A worker found dead while idle is dropped (its reader thread reports it at once) and replaced; a task given to
/// a worker that is lost before its Run frame was written never reached it, and goes to another worker (a few times
/// at most). Only a task whose frame reached a worker that then died, broke the protocol or was killed fails; that
/// worker is discarded and the next task gets a fresh one.</para>
/// <para>A frame larger than a worker takes (512 MiB) is never sent: the task faults with
/// <see cref="ProcessFrameTooLargeException"/>.</para>
/// </remarks>
internal sealed class ProcessRunner : IDispatchRunner, IProcessWorkerOwner
{
    /// <summary>How many workers a task may be given to that are lost before its frame reaches them.</summary>
    private const int MaxAttempts = 3;

    private readonly Gate _gate = new();
    private readonly SupervisorClock _clock;

    // Guarded by _gate: idle workers (a stack: the last one is the most recently used) and busy ones with their task.
    private readonly List<ProcessWorker> _idle = [];
    private readonly Dictionary<ProcessWorker, ProcessWorker.Assignment> _busy = [];
    private ProcessWorkerCommand? _command;
    private IRemoteProcessPool? _remote;
    private long _started;
    private long _lost;

    public ProcessRunner(SupervisorClock clock) => _clock = clock;

    /// <summary>Where a lost worker process is logged (the supervisor's logger).</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

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

    /// <summary>The worker processes alive now, idle or busy, and how many were started and lost so far.</summary>
    public ProcessWorkersInfo Snapshot()
    {
        var workers = new List<ProcessWorkerInfo>();
        lock (_gate)
        {
            foreach (var (worker, assignment) in _busy)
            {
                workers.Add(Info(worker, assignment.Task.Handle.Id));
            }

            foreach (var worker in _idle)
            {
                workers.Add(Info(worker, null));
            }

            return new ProcessWorkersInfo(workers, _started, _lost);
        }

        ProcessWorkerInfo Info(ProcessWorker worker, long? taskId) =>
            new(worker.ProcessId, _clock.ToUtc(worker.StartedTicks), worker.TasksServed, taskId);
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
        if (task.ArgumentsFailure is { } unencoded)
        {
            Refuse(task, unencoded);
            return;
        }

        if (Remote is { } remote)
        {
            _ = RunRemoteAsync(task, remote);
            return;
        }

        long bytes = ProcessFrames.RunPayloadBytes(task.Arguments);
        if (bytes > ProcessFrames.MaxFrameBytes)
        {
            Refuse(task, new ProcessFrameTooLargeException(bytes, ProcessFrames.MaxFrameBytes, item.Name));
            return;
        }

        Hand(new ProcessWorker.Assignment(task, attempt: 0));
    }

    /// <summary>
    /// Kills, after <paramref name="grace"/>, the workers still running a task that was submitted before now and
    /// canceled: a stop that cancels tasks must end even when a body ignores its token, and must not touch tasks
    /// submitted after it.
    /// </summary>
    public void KillBusyAfter(TimeSpan grace)
    {
        long stopped = _clock.Now;

        // On the supervisor's clock: a starved .NET ThreadPool must not keep the stop waiting for a stubborn body.
        _clock.After(grace, () =>
        {
            var stubborn = new List<ProcessWorker>();
            lock (_gate)
            {
                foreach (var (worker, assignment) in _busy)
                {
                    var handle = assignment.Task.Handle;
                    if (handle.QueuedTicks <= stopped && handle.IsCancellationRequested)
                    {
                        stubborn.Add(worker);
                    }
                }
            }

            stubborn.ForEach(worker => worker.Kill());
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

    void IProcessWorkerOwner.OnReply(ProcessWorker worker, ProcessWorker.Assignment assignment, ProcessFrame frame)
    {
        var task = assignment.Task;
        var (outcome, failure) = Interpret(task, ProcessTaskReply.From(Outcome(frame.Kind), worker.ProcessId, Environment.MachineName, frame.Payload));
        worker.Served();
        Release(worker);
        End(task, outcome, failure);
    }

    void IProcessWorkerOwner.OnLost(ProcessWorker worker, ProcessWorker.Assignment? assignment, bool delivered, string reason, Exception cause)
    {
        lock (_gate)
        {
            if (_busy.Remove(worker) | _idle.Remove(worker))
            {
                _lost++; // one the pool still counted on (a worker closed at shutdown is not lost)
            }
        }

        worker.Kill();
        worker.Close(_clock);
        if (assignment is null)
        {
            return; // lost while idle: it is simply not used again
        }

        var task = assignment.Task;
        var handle = task.Handle;
        if (!delivered && assignment.Attempt + 1 < MaxAttempts)
        {
            Hand(new ProcessWorker.Assignment(task, assignment.Attempt + 1)); // it never reached the worker
            return;
        }

        if (handle.IsCancellationRequested)
        {
            End(task, TaskState.Canceled, null);
            return;
        }

        Log.ProcessWorkerLost(Logger, worker.ProcessId, handle.Name, handle.Id, reason);
        End(task, TaskState.Faulted, new ProcessWorkerException(reason, cause));
    }

    /// <summary>Gives the task to an idle worker, or starts one for it on a thread of its own.</summary>
    private void Hand(ProcessWorker.Assignment assignment)
    {
        ProcessWorker? worker = null;
        lock (_gate)
        {
            while (_idle.Count > 0)
            {
                worker = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                if (!worker.IsLost)
                {
                    break;
                }

                worker = null; // lost while idle, just now: its reader thread is reporting it
            }
        }

        if (worker is not null)
        {
            Assign(worker, assignment);
            return;
        }

        new Thread(static state =>
        {
            var (runner, command, assignment) = ((ProcessRunner, ProcessWorkerCommand, ProcessWorker.Assignment))state!;
            runner.StartFor(command, assignment);
        })
        {
            IsBackground = true,
            Name = "Atasker worker process start",
        }.UnsafeStart((this, Command, assignment));
    }

    private void StartFor(ProcessWorkerCommand command, ProcessWorker.Assignment assignment)
    {
        ProcessWorker worker;
        try
        {
            worker = ProcessWorker.Start(command, StartTimeout, _clock, this);
        }
        catch (ProcessWorkerException error)
        {
            if (assignment.Attempt == 0)
            {
                Refuse(assignment.Task, error);
            }
            else
            {
                End(assignment.Task, assignment.Task.Handle.IsCancellationRequested ? TaskState.Canceled : TaskState.Faulted, error);
            }

            return;
        }

        Interlocked.Increment(ref _started);
        Assign(worker, assignment);
    }

    /// <summary>
    /// Gives a worker the task: it begins (Started) now, unless it was canceled while it waited for a worker (then the
    /// worker goes back to idle and the task ends Canceled), and its cancellation is passed on to the worker.
    /// </summary>
    private void Assign(ProcessWorker worker, ProcessWorker.Assignment assignment)
    {
        var task = assignment.Task;
        var handle = task.Handle;
        if (assignment.Attempt == 0)
        {
            task.Run = Begin(task);
        }

        if (!task.Run.Begun || (assignment.Attempt > 0 && handle.IsCancellationRequested))
        {
            Release(worker);
            End(task, TaskState.Canceled, null);
            return;
        }

        lock (_gate)
        {
            _busy[worker] = assignment;
        }

        if (assignment.Attempt == 0)
        {
            // The task's activity spans the round trip; this thread goes on under the one it had.
            task.Run.LeaveTrace();

            // Registered once the worker is known: a cancel that came first is passed on at once (the worker sends it
            // after the task's Run frame, whichever was asked first).
            task.CancelRegistration = handle.CancellationToken.UnsafeRegister(static state => ((Canceler)state!).Cancel(), new Canceler(this, task));
        }

        worker.Run(assignment);
    }

    /// <summary>A worker is done with its task: it is free before the handle ends, so whatever the freed slot admits
    /// can have it.</summary>
    private void Release(ProcessWorker worker)
    {
        lock (_gate)
        {
            _busy.Remove(worker);
            _idle.Add(worker);
        }
    }

    /// <summary>Begins the task (Started, unless it was canceled while it waited) and tells it so.</summary>
    private TaskRun Begin(IProcessTask task)
    {
        var run = TaskRun.Begin(task.Handle, _clock.Now);
        if (run.Begun)
        {
            task.OnBegun();
        }

        return run;
    }

    /// <summary>Ends a task that could not be given to any worker: Faulted with <paramref name="error"/>, or Canceled if
    /// it was canceled before it could begin.</summary>
    private void Refuse(IProcessTask task, Exception error)
    {
        task.Run = Begin(task);
        task.Run.LeaveTrace();
        End(task, task.Run.Begun ? TaskState.Faulted : TaskState.Canceled, error);
    }

    /// <summary>Ends a task's run (begun by <see cref="Assign"/>, <see cref="Refuse"/> or <see cref="RunRemoteAsync"/>):
    /// the cancel link goes, then the handle ends (giving its slot back), once whichever path gets here first.</summary>
    private void End(IProcessTask task, TaskState outcome, Exception? failure)
    {
        task.CancelRegistration.Dispose();
        _ = task.Run.End(outcome, failure, _clock.Now);
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
        task.Run = Begin(task);
        task.Run.LeaveTrace();
        if (!task.Run.Begun)
        {
            End(task, TaskState.Canceled, null);
            return;
        }

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

        End(task, outcome, failure);
    }

    private static ProcessTaskOutcome Outcome(ProcessFrameKind kind) => kind switch
    {
        ProcessFrameKind.Result => ProcessTaskOutcome.Completed,
        ProcessFrameKind.Fault => ProcessTaskOutcome.Faulted,
        ProcessFrameKind.Canceled => ProcessTaskOutcome.Canceled,
        _ => ProcessTaskOutcome.Refused,
    };

    /// <summary>Passes a handle's cancel on to the worker running its task.</summary>
    private sealed class Canceler(ProcessRunner runner, IProcessTask task)
    {
        public void Cancel()
        {
            ProcessWorker? worker = null;
            lock (runner._gate)
            {
                foreach (var (busy, assignment) in runner._busy)
                {
                    if (assignment.Task == task)
                    {
                        worker = busy;
                        break;
                    }
                }
            }

            worker?.RequestCancel(task.Handle.Id);
        }
    }
}
