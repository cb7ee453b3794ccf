using System;
using System.ComponentModel;
using System.Threading;

namespace Atasker;

/// <summary>
/// The entry point of the generated <c>StartX</c> stubs. The state is a value (the target and the arguments) and the
/// body a static lambda, so a launch allocates the handle and nothing else. Not meant to be called by hand: use
/// <see cref="TaskSupervisor.Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/> instead.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TaskLauncher
{
    /// <summary>Starts a thread task whose body returns a value.</summary>
    public static TaskHandle<TResult> Start<TState, TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, TResult> body)
    {
        var task = new FuncTask<TState, TResult>(state, body);
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a thread task whose body returns nothing.</summary>
    public static TaskHandle Start<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Action<TState, CancellationToken> body)
    {
        var task = new ActionTask<TState>(state, body);
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a process task whose body returns a value: the arguments are already encoded, the result is
    /// decoded by <paramref name="readResult"/> when the worker answers.</summary>
    public static TaskHandle<TResult> StartProcess<TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        ulong methodId,
        ProcessWriter arguments,
        Func<ProcessReader, TResult> readResult)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var task = new ProcessTask<TResult>(methodId, arguments.ToArray(), readResult);
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a process task whose body returns nothing.</summary>
    public static TaskHandle StartProcess(in TaskMethodInfo method, TaskOptions? options, ulong methodId, ProcessWriter arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var task = new ProcessTask(methodId, arguments.ToArray());
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    private static TaskSupervisor SupervisorOf(TaskOptions? options) => options?.Supervisor ?? TaskSupervisor.Default;
}
