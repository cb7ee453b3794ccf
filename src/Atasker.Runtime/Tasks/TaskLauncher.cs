using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

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

    /// <summary>Starts a task whose body returns a <see cref="Task{TResult}"/>: on an async loop, or on a supervisor
    /// thread when <see cref="TaskMethodInfo.Kind"/> is <see cref="TaskKind.Thread"/>.</summary>
    public static TaskHandle<TResult> StartAsync<TState, TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, Task<TResult>> body)
    {
        var task = new AsyncFuncTask<(TState State, Func<TState, CancellationToken, Task<TResult>> Body), TResult>(
            (state, body),
            static (call, cancellationToken) => new ValueTask<TResult>(call.Body(call.State, cancellationToken) ?? throw NullTask()));
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a task whose body returns a <see cref="ValueTask{TResult}"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle<TResult> StartAsync<TState, TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, ValueTask<TResult>> body)
    {
        var task = new AsyncFuncTask<TState, TResult>(state, body);
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a task whose body returns a <see cref="Task"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle StartAsync<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, Task> body)
    {
        var task = new AsyncActionTask<(TState State, Func<TState, CancellationToken, Task> Body)>(
            (state, body),
            static (call, cancellationToken) => new ValueTask(call.Body(call.State, cancellationToken) ?? throw NullTask()));
        SupervisorOf(options).SubmitCore(task, method, options);
        return task;
    }

    /// <summary>Starts a task whose body returns a <see cref="ValueTask"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle StartAsync<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, ValueTask> body)
    {
        var task = new AsyncActionTask<TState>(state, body);
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

    internal static InvalidOperationException NullTask() => new("The task's body returned a null Task.");

    private static TaskSupervisor SupervisorOf(TaskOptions? options) => options?.Supervisor ?? TaskSupervisor.Default;
}
