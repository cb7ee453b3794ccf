using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

/// <content>The delegate overloads: <c>Submit</c> and <c>SubmitAsync</c> of a lambda, without a generated stub.</content>
public sealed partial class TaskSupervisor
{
    /// <summary>Runs <paramref name="body"/> as an async task on an async loop (<see cref="TaskOptions.Loop"/>, or the
    /// default loop); its slot in the async pool is held until the returned task completes.</summary>
    /// <param name="body">The work; it receives the task's cancellation token.</param>
    /// <param name="options">Priority, delay, loop, cancellation; <see cref="TaskOptions.Supervisor"/> must be null or this.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names another supervisor, or a loop this supervisor
    /// does not have.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority or the delay in <paramref name="options"/> is invalid.</exception>
    /// <exception cref="InvalidOperationException">The supervisor, or the loop, is stopping or stopped.</exception>
    /// <remarks>A body that returns a null task faults its handle with <see cref="InvalidOperationException"/>.</remarks>
    public TaskHandle<T> SubmitAsync<T>(Func<CancellationToken, Task<T>> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, cancellationToken) => body(cancellationToken)), options, observesCancellation: true, TaskKind.Async);
    }

    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle SubmitAsync(Func<CancellationToken, Task> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, cancellationToken) => body(cancellationToken)), options, observesCancellation: true, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, as an async task on an async loop.</summary>
    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle<T> SubmitAsync<T>(Func<Task<T>> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, _) => body()), options, observesCancellation: false, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, as an async task on an async loop.</summary>
    /// <inheritdoc cref="SubmitAsync{T}(Func{CancellationToken, Task{T}}, TaskOptions?)"/>
    public TaskHandle SubmitAsync(Func<Task> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SubmitOwn(AsyncTasks.FromTask(body, static (body, _) => body()), options, observesCancellation: false, TaskKind.Async);
    }

    /// <summary>Runs <paramref name="body"/> on one of the supervisor's threads.</summary>
    /// <param name="body">The work; it receives the task's cancellation token.</param>
    /// <param name="options">Priority, delay, cancellation; <see cref="TaskOptions.Supervisor"/> must be null or this.</param>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> names another supervisor.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The priority or the delay in <paramref name="options"/> is invalid.</exception>
    /// <exception cref="InvalidOperationException">The supervisor is stopped.</exception>
    public TaskHandle<T> Submit<T>(Func<CancellationToken, T> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new BodyFuncTask<Func<CancellationToken, T>, T, DelegateBodies.CallFunc<T>>(body);
        return SubmitOwn(task, options, observesCancellation: true);
    }

    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle Submit(Action<CancellationToken> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new BodyActionTask<Action<CancellationToken>, DelegateBodies.CallAction>(body);
        return SubmitOwn(task, options, observesCancellation: true);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, on one of the supervisor's threads.</summary>
    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle<T> Submit<T>(Func<T> body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new BodyFuncTask<Func<T>, T, DelegateBodies.CallFuncWithoutToken<T>>(body);
        return SubmitOwn(task, options, observesCancellation: false);
    }

    /// <summary>Runs <paramref name="body"/>, which takes no cancellation token, on one of the supervisor's threads.</summary>
    /// <inheritdoc cref="Submit{T}(Func{CancellationToken, T}, TaskOptions?)"/>
    public TaskHandle Submit(Action body, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var task = new BodyActionTask<Action, DelegateBodies.CallActionWithoutToken>(body);
        return SubmitOwn(task, options, observesCancellation: false);
    }

    private TaskHandle<T> SubmitOwn<T>(TaskHandle<T> task, TaskOptions? options, bool observesCancellation, TaskKind kind = TaskKind.Thread)
    {
        _ = SubmitOwn((TaskHandle)task, options, observesCancellation, kind);
        return task;
    }

    private TaskHandle SubmitOwn(TaskHandle task, TaskOptions? options, bool observesCancellation, TaskKind kind = TaskKind.Thread)
    {
        if (options?.Supervisor is { } other && other != this)
        {
            throw new ArgumentException(
                $"The options name supervisor '{other.Id}' but the task was submitted to '{Id}'; leave TaskOptions.Supervisor null here.",
                nameof(options));
        }

        SubmitCore(task, new TaskMethodInfo(options?.Name ?? "task", observesCancellation: observesCancellation, kind: kind), options);
        return task;
    }
}
