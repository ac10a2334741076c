using System.ComponentModel;

namespace Catga.Validation;

/// <summary>
/// The pipeline step that runs a request's validators just before its handler, so the behaviors around it see an
/// invalid request as a failed result. Composed by generated pipelines; applications do not create it.
/// </summary>
/// <typeparam name="TRequest">The request type.</typeparam>
/// <typeparam name="TResponse">The type of the value the request produces.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ValidationStage<TRequest, TResponse> : PipelineNext<TRequest, TResponse>
    where TRequest : IRequest<TResponse>
{
    private readonly IMessageValidator<TRequest>[] _validators;
    private readonly PipelineNext<TRequest, TResponse> _next;
    private readonly string _messageType;

    /// <summary>Creates the step.</summary>
    /// <param name="messageType">The request's name, for error messages.</param>
    /// <param name="validators">The validators, in the order they run.</param>
    /// <param name="next">The handler step.</param>
    public ValidationStage(string messageType, IMessageValidator<TRequest>[] validators, PipelineNext<TRequest, TResponse> next)
    {
        _messageType = messageType;
        _validators = validators;
        _next = next;
    }

    /// <inheritdoc/>
    public override ValueTask<CatgaResult<TResponse>> InvokeAsync(TRequest request, CancellationToken cancellationToken)
    {
        var errors = default(ValidationErrors);
        try
        {
            foreach (var validator in _validators)
            {
                validator.Validate(request, ref errors);
            }
        }
        catch (Exception exception)
        {
            // A throwing validator is a failure like a throwing handler: a result that keeps the exception.
            return new ValueTask<CatgaResult<TResponse>>(CatgaResult<TResponse>.Failure(CatgaError.FromException(exception)));
        }

        return errors.Count == 0
            ? _next.InvokeAsync(request, cancellationToken)
            : new ValueTask<CatgaResult<TResponse>>(CatgaResult<TResponse>.Failure(errors.ToError(_messageType)));
    }
}
