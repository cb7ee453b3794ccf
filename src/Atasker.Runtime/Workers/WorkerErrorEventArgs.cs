using System;

namespace Atasker;

/// <summary>An execution of a worker failed (<see cref="BackgroundWorker.Error"/>); the worker goes on.</summary>
public sealed class WorkerErrorEventArgs : EventArgs
{
    internal WorkerErrorEventArgs(BackgroundWorker worker, Exception exception, bool hasItem, object? item)
    {
        Worker = worker;
        Exception = exception;
        HasItem = hasItem;
        Item = item;
    }

    /// <summary>The worker whose execution failed.</summary>
    public BackgroundWorker Worker { get; }

    /// <summary>What the execution threw (or why it could not run).</summary>
    public Exception Exception { get; }

    /// <summary>Whether the execution was given an item (a <see cref="QueueWorker{T}"/>'s).</summary>
    public bool HasItem { get; }

    /// <summary>The item the execution was given, when <see cref="HasItem"/>.</summary>
    public object? Item { get; }
}
