using System;

namespace Atasker;

/// <summary>A process task could not go through RabbitMQ: the broker is unreachable, the connection was lost and did
/// not come back, a message is too large, the pool was closed. The message says which, and whether the task may still
/// run on a worker.</summary>
public sealed class RabbitMqPoolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RabbitMqPoolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RabbitMqPoolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RabbitMqPoolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
