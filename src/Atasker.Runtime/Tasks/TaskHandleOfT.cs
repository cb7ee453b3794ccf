using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>A background task that produces a <typeparamref name="T"/>. Awaitable as <typeparamref name="T"/>.</summary>
/// <typeparam name="T">The body's result.</typeparam>
public class TaskHandle<T> : TaskHandle
{
    // Written by the runner before the final state is published (see TaskHandle's lifecycle comment).
    private T _result = default!;

    private protected TaskHandle()
    {
    }

    /// <summary>The body's result.</summary>
    /// <exception cref="InvalidOperationException">The task has not finished yet.</exception>
    /// <exception cref="OperationCanceledException">The task was canceled.</exception>
    /// <remarks>When the task faulted, its original exception is rethrown (not wrapped).</remarks>
    public T Result
    {
        get
        {
            ThrowIfUnsuccessful();
            return _result;
        }
    }

    /// <summary>A <see cref="Task{TResult}"/> that ends when this task ends. The same instance on every call.</summary>
    public new Task<T> Completion => (Task<T>)base.Completion;

    /// <summary>Blocks until the task ends and returns its result, or rethrows its failure (not wrapped).</summary>
    /// <param name="timeout">How long to wait; null or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <exception cref="TimeoutException">The task did not end within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException">The task was canceled.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (and not infinite).</exception>
    public new T Wait(TimeSpan? timeout = null)
    {
        WaitForEnd(timeout);
        return Result;
    }

    /// <summary>Lets <c>await handle</c> produce the result.</summary>
    public new TaskAwaiter<T> GetAwaiter() => Completion.GetAwaiter();

    /// <summary>Awaits the task without (or with) resuming on the captured context.</summary>
    public new ConfiguredTaskAwaitable<T> ConfigureAwait(bool continueOnCapturedContext) =>
        Completion.ConfigureAwait(continueOnCapturedContext);

    internal override object? BoxedResult => Result;

    private protected void SetResult(T result) => _result = result;

    private protected override object CreateCompletionSource() =>
        new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);

    private protected override Task GetSourceTask(object source) => ((TaskCompletionSource<T>)source).Task;

    private protected override void CompleteSource(object source)
    {
        var completion = (TaskCompletionSource<T>)source;
        switch (State)
        {
            case TaskState.Completed: completion.TrySetResult(_result); break;
            case TaskState.Faulted: completion.TrySetException(base.Exception!); break;
            default: completion.TrySetCanceled(CancellationTokenForOutcome); break;
        }
    }
}
