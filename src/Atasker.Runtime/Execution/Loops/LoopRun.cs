using System;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>A body given to <see cref="AsyncLoop.Run{T}(Func{Task{T}})"/>, pending on the loop.</summary>
internal abstract class LoopRun
{
    /// <summary>Starts the body; called on the loop's thread.</summary>
    public abstract void Start();

    /// <summary>Ends the run as canceled: a stop that cancels tasks gave up waiting for it.</summary>
    public abstract void Abandon();
}

/// <summary>A <see cref="LoopRun"/> whose body produces a <typeparamref name="T"/>.</summary>
internal sealed class LoopRun<T>(AsyncLoop loop, Func<Task<T>> body) : LoopRun
{
    // No continuation runs on this source: only the blocked caller of Run waits for it.
    private readonly TaskCompletionSource<T> _completion = new();
    private Task<T>? _pending;

    public Task<T> Completion => _completion.Task;

    public override void Start()
    {
        try
        {
            _pending = body() ?? throw new InvalidOperationException("The body given to Run() returned a null Task.");
        }
#pragma warning disable CA1031 // The failure belongs to the caller of Run.
        catch (Exception error)
#pragma warning restore CA1031
        {
            Finish(Task.FromException<T>(error));
            return;
        }

        _pending.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(() => Finish(_pending));
    }

    public override void Abandon()
    {
        _completion.TrySetException(new OperationCanceledException($"{loop} was stopped with cancelTasks: true before the body given to Run() finished."));
        loop.Forget(this);
    }

    private void Finish(Task<T> ended)
    {
        if (ended.IsCompletedSuccessfully)
        {
            _completion.TrySetResult(ended.Result);
        }
        else if (ended.IsCanceled)
        {
            _completion.TrySetCanceled();
        }
        else
        {
            _completion.TrySetException(ended.Exception!.InnerExceptions);
        }

        loop.Forget(this);
    }
}
