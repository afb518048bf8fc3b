// OpenMPI as a Swift module.
//
// Why this header exists: Swift imports MPI's functions and typedefs, but not
// the predefined handles (MPI_COMM_WORLD, MPI_DOUBLE, MPI_SUM, ...), because
// OpenMPI defines them as macros that cast addresses of globals, and not
// MPI_IN_PLACE / MPI_STATUS_IGNORE (pointer-cast macros). Each accessor below
// returns one of them. They return the MPI typedefs, so the Swift code stays
// correct for MPICH too, where the handles are integers.
#ifndef VERNIER_CMPI_SHIM_H
#define VERNIER_CMPI_SHIM_H

#include <mpi.h>

static inline MPI_Comm vernier_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm vernier_mpi_comm_null(void) { return MPI_COMM_NULL; }

static inline MPI_Datatype vernier_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype vernier_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype vernier_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype vernier_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype vernier_mpi_uint8(void) { return MPI_UINT8_T; }

static inline MPI_Op vernier_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op vernier_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op vernier_mpi_max(void) { return MPI_MAX; }

static inline void *vernier_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *vernier_mpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Errhandler vernier_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Request vernier_mpi_request_null(void) { return MPI_REQUEST_NULL; }

// Enumerators in OpenMPI's header; plain ints here so Swift sees Int32.
static inline int vernier_mpi_success(void) { return MPI_SUCCESS; }
static inline int vernier_mpi_thread_serialized(void) { return MPI_THREAD_SERIALIZED; }
static inline int vernier_mpi_max_error_string(void) { return MPI_MAX_ERROR_STRING; }

#endif
