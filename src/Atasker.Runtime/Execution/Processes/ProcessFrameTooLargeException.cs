using System;

namespace Atasker;

/// <summary>
/// A process task's arguments or result would take more than a frame between a parent and a worker process carries
/// (512 MiB): it is not sent. Thrown by a <c>StartX</c> launcher whose arguments are too large to encode; a handle
/// whose frame to its worker would be too large faults with it, naming the task; a result too large faults the task
/// with a <see cref="ProcessWorkerException"/> that says so.
/// </summary>
public sealed class ProcessFrameTooLargeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessFrameTooLargeException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessFrameTooLargeException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ProcessFrameTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ProcessFrameTooLargeException(long bytes, int limit, string? task = null)
        : base($"{(task is null ? "The data" : $"Process task '{task}'")} takes {bytes} bytes, more than the {limit} bytes a frame between a parent and a worker process carries{(task is null ? "" : "; it was not sent")}.")
    {
        Bytes = bytes;
        Limit = limit;
    }

    /// <summary>How many bytes the frame would have carried.</summary>
    public long Bytes { get; }

    /// <summary>The most a frame carries.</summary>
    public int Limit { get; }
}
