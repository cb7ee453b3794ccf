using System;

namespace Atasker;

/// <summary>
/// A process task's body threw in its worker process. The remote exception cannot cross the process boundary as an
/// object, so its type, message and stack trace come back as text.
/// </summary>
public sealed class ProcessTaskException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ProcessTaskException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ProcessTaskException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ProcessTaskException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ProcessTaskException(string task, ProcessTaskReply reply, string remoteType, string remoteMessage, string remoteStackTrace)
        : base($"Process task '{task}' failed in {reply.Where}: {remoteType}: {remoteMessage}")
    {
        RemoteType = remoteType;
        RemoteMessage = remoteMessage;
        RemoteStackTrace = remoteStackTrace;
        WorkerProcessId = reply.WorkerProcessId;
        WorkerMachine = reply.WorkerMachine;
    }

    /// <summary>The full name of the exception type the body threw, e.g. <c>System.DivideByZeroException</c>.</summary>
    public string RemoteType { get; } = "";

    /// <summary>Its message.</summary>
    public string RemoteMessage { get; } = "";

    /// <summary>Its stack trace in the worker process.</summary>
    public string RemoteStackTrace { get; } = "";

    /// <summary>The worker process it ran in.</summary>
    public int WorkerProcessId { get; }

    /// <summary>The machine that worker process ran on (another one when a remote pool ran the task).</summary>
    public string WorkerMachine { get; } = "";

    /// <inheritdoc />
    public override string ToString() => $"{base.ToString()}{Environment.NewLine}--- remote stack trace ---{Environment.NewLine}{RemoteStackTrace}";
}
