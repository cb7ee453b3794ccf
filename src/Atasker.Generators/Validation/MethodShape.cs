namespace Atasker.Generators.Validation;

/// <summary>What a task body returns: decided once, by the validator, and only switched on afterwards.</summary>
internal enum MethodShape
{
    /// <summary>A sync body returning nothing: <c>TaskHandle</c>.</summary>
    Void,

    /// <summary>A sync body returning a value: <c>TaskHandle&lt;T&gt;</c>.</summary>
    Value,

    /// <summary>An awaitable <c>Task</c> body: <c>TaskHandle</c>.</summary>
    Task,

    /// <summary>An awaitable <c>Task&lt;T&gt;</c> body: <c>TaskHandle&lt;T&gt;</c>.</summary>
    TaskOfT,

    /// <summary>An awaitable <c>ValueTask</c> body: <c>TaskHandle</c>.</summary>
    ValueTask,

    /// <summary>An awaitable <c>ValueTask&lt;T&gt;</c> body: <c>TaskHandle&lt;T&gt;</c>.</summary>
    ValueTaskOfT,
}
