"""Which area module defines each type."""

AREA_OF = {
    "ChatCompletionMessageToolCall": "chat",
    "ChatCompletionMessageToolCallChunk": "chat",
    "ChatCompletionResponseMessage": "chat",
    "ChatCompletionStreamResponseDelta": "chat",
    "CompletionUsage": "chat",
    "CreateChatCompletionResponse": "chat",
    "CreateChatCompletionResponseChoice": "chat",
    "CreateChatCompletionStreamResponse": "chat",
    "CreateChatCompletionStreamResponseChoice": "chat",
    "FunctionCall": "chat",
    "CreateEmbeddingResponse": "embeddings",
    "Embedding": "embeddings",
    "EmbeddingUsage": "embeddings",
    "DeleteModelResponse": "models",
    "ListModelsResponse": "models",
    "Model": "models",
}
