using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker.CompilerServices;

/// <summary>
/// The entry point of the generated <c>StartX</c> stubs. The state is a value (the target and the arguments) and the
/// body a generated struct given as a type argument (a static lambda for generic and awaitable methods), so a launch
/// allocates the handle and nothing else. Not meant to be called by hand: use
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
        Func<TState, CancellationToken, TResult> body) =>
        Launch(new FuncTask<TState, TResult>(state, body), method, options);

    /// <summary>Starts a thread task whose body returns nothing.</summary>
    public static TaskHandle Start<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Action<TState, CancellationToken> body) =>
        Launch(new ActionTask<TState>(state, body), method, options);

    /// <summary>Starts a thread task whose body, the struct <typeparamref name="TBody"/>, returns a value: the handle
    /// holds the state and no delegate. What stubs of non-generic methods call.</summary>
    /// <typeparam name="TState">The target and the arguments.</typeparam>
    /// <typeparam name="TResult">The method's result.</typeparam>
    /// <typeparam name="TBody">The generated struct that calls the method.</typeparam>
    public static TaskHandle<TResult> Start<TState, TResult, TBody>(in TaskMethodInfo method, TaskOptions? options, TState state)
        where TBody : struct, ITaskBody<TState, TResult> =>
        Launch(new BodyFuncTask<TState, TResult, TBody>(state), method, options);

    /// <summary>Starts a thread task whose body, the struct <typeparamref name="TBody"/>, returns nothing (see
    /// <see cref="Start{TState, TResult, TBody}(in TaskMethodInfo, TaskOptions?, TState)"/>).</summary>
    /// <typeparam name="TState">The target and the arguments.</typeparam>
    /// <typeparam name="TBody">The generated struct that calls the method.</typeparam>
    public static TaskHandle Start<TState, TBody>(in TaskMethodInfo method, TaskOptions? options, TState state)
        where TBody : struct, ITaskBody<TState> =>
        Launch(new BodyActionTask<TState, TBody>(state), method, options);

    /// <summary>Starts a task whose body returns a <see cref="Task{TResult}"/>: on an async loop, or on a supervisor
    /// thread when <see cref="TaskMethodInfo.Kind"/> is <see cref="TaskKind.Thread"/>.</summary>
    public static TaskHandle<TResult> StartAsync<TState, TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, Task<TResult>> body) =>
        Launch(AsyncTasks.FromTask(state, body), method, options);

    /// <summary>Starts a task whose body returns a <see cref="ValueTask{TResult}"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle<TResult> StartAsync<TState, TResult>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, ValueTask<TResult>> body) =>
        Launch(new AsyncFuncTask<TState, TResult>(state, body), method, options);

    /// <summary>Starts a task whose body returns a <see cref="Task"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle StartAsync<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, Task> body) =>
        Launch(AsyncTasks.FromTask(state, body), method, options);

    /// <summary>Starts a task whose body returns a <see cref="ValueTask"/> (see
    /// <see cref="StartAsync{TState, TResult}(in TaskMethodInfo, TaskOptions?, TState, Func{TState, CancellationToken, Task{TResult}})"/>).</summary>
    public static TaskHandle StartAsync<TState>(
        in TaskMethodInfo method,
        TaskOptions? options,
        TState state,
        Func<TState, CancellationToken, ValueTask> body) =>
        Launch(new AsyncActionTask<TState>(state, body), method, options);

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
        return Launch(new ProcessTask<TResult>(methodId, arguments.ToArray(), readResult), method, options);
    }

    /// <summary>Starts a process task whose body returns nothing.</summary>
    public static TaskHandle StartProcess(in TaskMethodInfo method, TaskOptions? options, ulong methodId, ProcessWriter arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return Launch(new ProcessTask(methodId, arguments.ToArray()), method, options);
    }

    internal static InvalidOperationException NullTask() => new("The task's body returned a null Task.");

    private static THandle Launch<THandle>(THandle task, in TaskMethodInfo method, TaskOptions? options)
        where THandle : TaskHandle
    {
        (options?.Supervisor ?? TaskSupervisor.Default).SubmitCore(task, method, options);
        return task;
    }
}
