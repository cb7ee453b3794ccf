using System;

namespace Atasker;

/// <summary>Data between a parent and a worker process was malformed: a bad frame, truncated or undecodable data.</summary>
public sealed class ProcessProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessProtocolException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessProtocolException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ProcessProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
