import Type, { type Static } from 'typebox'

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Number> | ReturnType<typeof Type.Integer>>(t: T) => Type.Union([t, Type.Null()])

export const GovernmentLevelSchema = Type.Union([Type.Literal('province'), Type.Literal('district'), Type.Literal('commune')])
export const OnlineLevelSchema = Type.Union([Type.Literal('full'), Type.Literal('partial'), Type.Literal('none')])

export const ProcedureQuerySchema = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Keywords; case, diacritics and Unicode form are ignored.' })),
  agency: Type.Optional(Type.String({ maxLength: 40, description: 'Agency code (receiving or processing), e.g. 000.00.11.H34' })),
  sector: Type.Optional(Type.String({ maxLength: 80, description: 'Sector code, e.g. duong-bo' })),
  level: Type.Optional(GovernmentLevelSchema),
  onlineLevel: Type.Optional(OnlineLevelSchema),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 }))
}, { additionalProperties: false })
export type ProcedureQuery = Static<typeof ProcedureQuerySchema>

const AgencyRefSchema = Type.Object({ code: Type.String(), name: Type.String(), shortName: Nullable(Type.String()) })
const SectorRefSchema = Type.Object({ code: Type.String(), name: Type.String() })

export const ProcessingTimeSchema = Type.Object({
  text: Type.String(),
  value: Nullable(Type.Number()),
  unit: Type.Union([Type.Literal('working_days'), Type.Literal('working_hours'), Type.Literal('calendar_days'), Type.Literal('same_day'), Type.Null()]),
  workingDays: Nullable(Type.Number({ description: 'The duration in working days (8 working hours a day), where that is meaningful.' })),
  needsReview: Type.Boolean({ description: 'The decision gives no single duration; a catalog administrator must set it.' })
})

export const ProcedureSummarySchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  sector: SectorRefSchema,
  onlineLevel: OnlineLevelSchema,
  levels: Type.Array(GovernmentLevelSchema),
  processingTime: ProcessingTimeSchema,
  agencies: Type.Object({ receiving: Type.Array(AgencyRefSchema), processing: Type.Array(AgencyRefSchema) })
})

export const ProcedurePageSchema = Type.Object({
  items: Type.Array(ProcedureSummarySchema),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer()
})

export const ComponentSchema = Type.Object({
  name: Type.String(),
  copyType: Type.Union([Type.Literal('original'), Type.Literal('copy'), Type.Literal('certified_copy'), Type.Literal('original_or_copy'), Type.Null()]),
  quantity: Nullable(Type.Integer()),
  required: Type.Boolean(),
  group: Nullable(Type.String()),
  formTemplate: Nullable(Type.String())
})

export const ProcedureDetailSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  sector: SectorRefSchema,
  agency: Type.Union([AgencyRefSchema, Type.Null()]),
  agencies: Type.Object({ receiving: Type.Array(AgencyRefSchema), processing: Type.Array(AgencyRefSchema) }),
  levels: Type.Array(GovernmentLevelSchema),
  steps: Type.Array(Type.String()),
  methods: Type.Object({ text: Type.String(), inPerson: Type.Boolean(), post: Type.Boolean(), online: Type.Boolean() }),
  components: Type.Array(ComponentSchema),
  numberOfSets: Nullable(Type.String()),
  processingTime: ProcessingTimeSchema,
  applicantTypes: Type.Array(Type.Union([Type.Literal('individual'), Type.Literal('organization')])),
  result: Type.String(),
  fees: Type.Array(Type.Object({ text: Type.String(), amountVnd: Nullable(Type.Integer()) })),
  forms: Type.Array(Type.String()),
  requirements: Type.String(),
  legalBasis: Type.Array(Type.String()),
  onlineLevel: OnlineLevelSchema,
  enteredByHand: Type.Boolean(),
  minAssurance: Type.Union([Type.Literal('basic'), Type.Literal('eid-1'), Type.Literal('eid-2')], { description: 'Identity assurance the applicant needs: a confirmed account, or the national e-identity at level 1 or 2' }),
  version: Type.Integer(),
  decision: Type.Object({ number: Type.String(), date: Nullable(Type.String({ format: 'date' })) })
})

export const SectorSchema = Type.Object({ code: Type.String(), name: Type.String(), procedureCount: Type.Integer() })
export const AgencySchema = Type.Object({
  code: Type.String(), name: Type.String(), shortName: Nullable(Type.String()), kind: Type.String(),
  parentCode: Nullable(Type.String()), codeConfirmed: Type.Boolean({ description: 'false while the code is assumed' }), procedureCount: Type.Integer()
})

export const ProblemSchema = Type.Object({
  type: Type.String(), title: Type.String(), status: Type.Integer(), detail: Type.Optional(Type.String()), instance: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() })))
}, { $id: 'Problem' })
