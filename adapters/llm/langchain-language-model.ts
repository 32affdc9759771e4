// The LanguageModel port over a LangChain chat model: a fixed ChatPromptTemplate (system instructions +
// data messages) piped into the provider's chat model; structured output is one strict JSON object
// validated with zod (portable across OpenAI-compatible servers, Mistral and Ollama, unlike tool calling).
import { AIMessage, HumanMessage, type BaseMessage } from '@langchain/core/messages';
import { ChatPromptTemplate, MessagesPlaceholder } from '@langchain/core/prompts';
import {
  LanguageModelError,
  type GenerateRequest,
  type GenerateResult,
  type LanguageModel,
  type LanguageModelUsage,
  type StructuredRequest,
  type StructuredResult,
} from '../../bot/ports/language-model';
import { toLanguageModelError } from './errors';
import type { ChatModelFactory } from './providers';

const PROMPT = ChatPromptTemplate.fromMessages([
  // The system text is a variable value, so braces in it are not template syntax.
  ['system', '{system}'],
  new MessagesPlaceholder('messages'),
]);

const toLangChain = (m: GenerateRequest['messages'][number]): BaseMessage =>
  m.role === 'user' ? new HumanMessage(m.content) : new AIMessage(m.content);

function textOf(message: BaseMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  return content
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

/** Providers that report no usage are charged an estimate (4 characters a token), never zero. */
function usageOf(message: BaseMessage, request: GenerateRequest, text: string): LanguageModelUsage {
  const reported = message instanceof AIMessage ? message.usage_metadata : undefined;
  if (reported && reported.total_tokens > 0) {
    return {
      inputTokens: reported.input_tokens,
      outputTokens: reported.output_tokens,
      totalTokens: reported.total_tokens,
    };
  }
  const inputTokens = Math.ceil(
    (request.system.length + request.messages.reduce((n, m) => n + m.content.length, 0)) / 4,
  );
  const outputTokens = Math.ceil(text.length / 4);
  return { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
}

const finishReasonOf = (message: BaseMessage): string | undefined => {
  const meta = message.response_metadata as Record<string, unknown> | undefined;
  const reason = meta?.finish_reason ?? meta?.done_reason ?? meta?.finishReason;
  return typeof reason === 'string' ? reason : undefined;
};

/** Strict JSON: code fences and prose around one object are tolerated, a truncated object is not. */
export function parseJsonObject(text: string): unknown {
  const unfenced = text.replace(/```(?:json)?/gi, '');
  const start = unfenced.indexOf('{');
  const end = unfenced.lastIndexOf('}');
  if (start < 0 || end <= start) throw new Error('no JSON object in the output');
  return JSON.parse(unfenced.slice(start, end + 1)) as unknown;
}

export class LangChainLanguageModel implements LanguageModel {
  constructor(
    readonly id: string,
    private readonly chatModel: ChatModelFactory,
  ) {}

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const { text, usage } = await this.invoke(request, false);
    return { text, usage };
  }

  async generateStructured<T>(request: StructuredRequest<T>): Promise<StructuredResult<T>> {
    const { text, usage, finishReason } = await this.invoke(request, true);
    if (finishReason === 'length')
      throw new LanguageModelError('invalid_output', 'Output cut at the token limit', usage);
    let json: unknown;
    try {
      json = parseJsonObject(text);
    } catch (error) {
      throw new LanguageModelError('invalid_output', `Output is not JSON: ${String(error)}`, usage, {
        cause: error,
      });
    }
    const parsed = request.schema.safeParse(json);
    if (!parsed.success) {
      throw new LanguageModelError(
        'invalid_output',
        `Output does not match the schema: ${parsed.error.message}`,
        usage,
      );
    }
    return { value: parsed.data, usage };
  }

  private async invoke(
    request: GenerateRequest,
    json: boolean,
  ): Promise<{ text: string; usage: LanguageModelUsage; finishReason?: string }> {
    if (request.signal.aborted)
      throw new LanguageModelError('aborted', 'The language model call was aborted');
    const model = this.chatModel({ signal: request.signal, maxTokens: request.maxTokens, json });
    try {
      const message = await PROMPT.pipe(model).invoke({
        system: request.system,
        messages: request.messages.map(toLangChain),
      });
      const text = textOf(message).trim();
      return { text, usage: usageOf(message, request, text), finishReason: finishReasonOf(message) };
    } catch (error) {
      throw toLanguageModelError(error, request.signal);
    }
  }
}
