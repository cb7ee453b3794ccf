using System;

namespace Atasker;

/// <summary>
/// A worker process could not run a task: it did not start, it exited or was killed while the task ran, it did not
/// know the task, or it broke the protocol. Only that task fails; the pool replaces the worker.
/// </summary>
public sealed class ProcessWorkerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessWorkerException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessWorkerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ProcessWorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
