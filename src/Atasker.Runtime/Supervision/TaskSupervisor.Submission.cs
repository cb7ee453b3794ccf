using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

/// <content>How a task is accepted: validated, registered, traced, linked to the caller's token, then delayed or queued in its pool.</content>
public sealed partial class TaskSupervisor
{
    private static long s_lastTaskId;

    /// <summary>Accepts a task built by a stub or a Submit overload: validates the options, registers the task and
    /// hands it to its pool (or to its delay).</summary>
    internal void SubmitCore(TaskHandle task, in TaskMethodInfo method, TaskOptions? options, bool fromWorker = false)
    {
        var name = options?.Name ?? method.Name;
        var priority = options?.Priority ?? method.Priority;
        if ((uint)priority > (uint)TaskPriority.Critical)
        {
            throw new ArgumentOutOfRangeException(nameof(options), priority, $"Task '{name}': {priority} is not a TaskPriority.");
        }

        var delay = options?.Delay ?? method.Delay;
        if (delay < TimeSpan.Zero || delay > MaxDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(options), delay, $"Task '{name}': the delay must be between 0 and {MaxDelay}.");
        }

        bool delayed = delay > TimeSpan.Zero;
        var pool = _pools.For(method.Kind);
        task.Initialize(pool, Interlocked.Increment(ref s_lastTaskId), name, priority, method.Kind, method.ObservesCancellation, delayed);
        AsyncLoop? loop = null;
        if (method.Kind == TaskKind.Async)
        {
            loop = LoopFor(options?.Loop ?? method.Loop, $"task '{name}'");
            ((IAsyncTask)task).Loop = loop;
            if (!loop.TryAccept(task))
            {
                throw new InvalidOperationException($"{loop} is stopping or stopped; task '{name}' was not submitted.");
            }
        }

        int phase = Volatile.Read(ref _phase);
        // A stop lets the workers it stops run what they drain; the registry closes once they have stopped.
        bool accepted = phase == Running || (phase == NotStarted && TryStartOnFirstSubmission()) || (fromWorker && phase == Stopping);
        if (!accepted || !_registry.TryAdd(task))
        {
            loop?.Forget(task);
            throw StoppedError($"task '{name}' was not submitted");
        }

        task.CaptureTraceParent();
        AtaskerTelemetry.OnSubmitted(task);
        var cancellation = options?.CancellationToken ?? default;
        if (cancellation.CanBeCanceled)
        {
            task.LinkCancellation(cancellation);
        }

        if (delayed)
        {
            task.StartDelay(delay);
        }
        else
        {
            pool.Enqueue(task);
        }
    }

    /// <summary>Submits one execution of a worker (allowed while a stop drains the workers).</summary>
    internal void SubmitWorkerRun(TaskHandle run, in TaskMethodInfo method) => SubmitCore(run, method, null, fromWorker: true);

    /// <summary>The unfinished tasks: a task adds itself at submission (above) and removes itself when it ends; the
    /// last one to end during a stop lets the stop finish.</summary>
    internal TaskRegistry Registry => _registry;

    /// <summary>The supervisor's pools (the runtime's parts and tests reach them here).</summary>
    internal SupervisorPools Pools => _pools;
}
