using System;
using System.Threading;
using System.Threading.Tasks;
using Atasker.CompilerServices;

namespace Atasker;

// The handles of awaitable bodies. As TaskKind.Async they start on an async loop and hold their slot until the
// awaitable completes; as TaskKind.Thread (InvokeBody) they hold a supervisor thread until then. Task bodies reach
// them as ValueTask (a struct around the Task), so one class serves Task and ValueTask alike.
//
// The end of an async body is observed with the loop's context captured (no ConfigureAwait(false)): a body that
// completes on the loop's thread ends its task right there, instead of through a thread-pool hop (with a context
// present, a ConfigureAwait(false) continuation is never run inline).

/// <summary>Makes async handles for bodies that return a <see cref="Task"/>: the Task travels as a ValueTask (a
/// struct, no allocation), and a null Task faults the handle with a clear message.</summary>
internal static class AsyncTasks
{
    public static AsyncFuncTask<(TState State, Func<TState, CancellationToken, Task<TResult>> Body), TResult> FromTask<TState, TResult>(
        TState state,
        Func<TState, CancellationToken, Task<TResult>> body) =>
        new((state, body), static (call, cancellationToken) => new ValueTask<TResult>(call.Body(call.State, cancellationToken) ?? throw TaskLauncher.NullTask()));

    public static AsyncActionTask<(TState State, Func<TState, CancellationToken, Task> Body)> FromTask<TState>(
        TState state,
        Func<TState, CancellationToken, Task> body) =>
        new((state, body), static (call, cancellationToken) => new ValueTask(call.Body(call.State, cancellationToken) ?? throw TaskLauncher.NullTask()));
}

/// <summary>What the async pool's runner needs from an async handle: the loop it runs on.</summary>
internal interface IAsyncTask
{
    AsyncLoop? Loop { get; set; }
}

/// <summary>A task whose awaitable body produces a value.</summary>
internal class AsyncFuncTask<TState, TResult> : TaskHandle<TResult>, IAsyncTask
{
    private TState _state;
    private Func<TState, CancellationToken, ValueTask<TResult>>? _body;
    private ValueTask<TResult> _pending;

    public AsyncFuncTask(TState state, Func<TState, CancellationToken, ValueTask<TResult>> body)
    {
        _state = state;
        _body = body;
    }

    public AsyncLoop? Loop { get; set; }

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        var pending = TakeBody(cancellationToken);
        SetResult(pending.IsCompleted ? pending.Result : pending.AsTask().GetAwaiter().GetResult());
    }

    private protected override void StartAsyncBody(CancellationToken cancellationToken)
    {
#pragma warning disable CA2012 // Consumed once: now if it has completed, else by the continuation.
        var pending = TakeBody(cancellationToken);
#pragma warning restore CA2012
        if (pending.IsCompleted)
        {
            Complete(pending);
            return;
        }

        _pending = pending;
        pending.GetAwaiter().UnsafeOnCompleted(OnPendingCompleted);
    }

    private protected override void OnLeftRunner() => Loop?.Forget(this);

    private ValueTask<TResult> TakeBody(CancellationToken cancellationToken)
    {
        var body = _body!;
        var state = _state;

        // A finished handle may live long in the caller's hands; it should not keep the arguments alive.
        _body = null;
        _state = default!;
        return body(state, cancellationToken);
    }

    private void OnPendingCompleted()
    {
        var pending = _pending;
        _pending = default;
        Complete(pending);
    }

    private void Complete(ValueTask<TResult> pending)
    {
        try
        {
            SetResult(pending.Result);
        }
#pragma warning disable CA1031 // A task's failure, whatever its type, belongs on its handle.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            CompleteAsyncBody(failure);
            return;
        }

        CompleteAsyncBody(null);
    }
}

/// <summary>A task whose awaitable body produces nothing.</summary>
internal class AsyncActionTask<TState> : TaskHandle, IAsyncTask
{
    private TState _state;
    private Func<TState, CancellationToken, ValueTask>? _body;
    private ValueTask _pending;

    public AsyncActionTask(TState state, Func<TState, CancellationToken, ValueTask> body)
    {
        _state = state;
        _body = body;
    }

    public AsyncLoop? Loop { get; set; }

    internal override void InvokeBody(CancellationToken cancellationToken)
    {
        var pending = TakeBody(cancellationToken);
        if (pending.IsCompleted)
        {
            pending.GetAwaiter().GetResult();
        }
        else
        {
            pending.AsTask().GetAwaiter().GetResult();
        }
    }

    private protected override void StartAsyncBody(CancellationToken cancellationToken)
    {
#pragma warning disable CA2012 // Consumed once: now if it has completed, else by the continuation.
        var pending = TakeBody(cancellationToken);
#pragma warning restore CA2012
        if (pending.IsCompleted)
        {
            Complete(pending);
            return;
        }

        _pending = pending;
        pending.GetAwaiter().UnsafeOnCompleted(OnPendingCompleted);
    }

    private protected override void OnLeftRunner() => Loop?.Forget(this);

    private ValueTask TakeBody(CancellationToken cancellationToken)
    {
        var body = _body!;
        var state = _state;
        _body = null;
        _state = default!;
        return body(state, cancellationToken);
    }

    private void OnPendingCompleted()
    {
        var pending = _pending;
        _pending = default;
        Complete(pending);
    }

    private void Complete(ValueTask pending)
    {
        try
        {
            pending.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // A task's failure, whatever its type, belongs on its handle.
        catch (Exception failure)
#pragma warning restore CA1031
        {
            CompleteAsyncBody(failure);
            return;
        }

        CompleteAsyncBody(null);
    }
}
